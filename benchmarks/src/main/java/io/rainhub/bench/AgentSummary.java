package io.rainhub.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the agent benchmark's phases found, gathered as they run and printed at the end: figures in
 * the order the phases give them, the problems they saw, and every figure held to its target.
 */
final class AgentSummary {

  static final int LABEL_WIDTH = 20;

  private final Map<String, String> figures = new LinkedHashMap<>();
  private final List<String> targets = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final BusyPhases busy;

  AgentSummary(long hubPid) {
    this.busy = new BusyPhases(hubPid);
  }

  void figure(String name, String value) {
    figures.put(name, value);
  }

  /** A line of the targets section, as {@link #target} or {@link SummaryText#ratioTarget} make it. */
  void target(String line) {
    targets.add(line);
  }

  /** A problem a phase saw that does not stop the benchmark. */
  void problem(String note) {
    notes.add(note);
  }

  void problems(List<String> more) {
    notes.addAll(more);
  }

  /** Other processes kept the machine busy during a phase: its figures are low. */
  void skew(String phase, double otherCores) {
    busy.note(phase, otherCores);
  }

  /** A figure against a limit it must stay below ({@code strictlyBelow}) or at. */
  static String target(String name, double value, double limit, String unit, boolean strictlyBelow) {
    boolean met = strictlyBelow ? value < limit : value <= limit;
    return String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s%.2f %s vs target %s %.1f %s: %.2fx of target  %s", name,
        value, unit, strictlyBelow ? "<" : "<=", limit, unit, limit == 0 ? 0 : value / limit, met ? "MET" : "MISSED");
  }

  /** A figure that could not be measured, against its target. */
  static String unmeasured(String name, String why) {
    return String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s%s  MISSED", name, why);
  }

  void print(Map<String, String> facts, AgentBenchmarkOptions options, String hubJvmFlags) {
    SummaryText s = new SummaryText("Agent benchmark summary", LABEL_WIDTH);
    s.dateMachineJava(facts);
    s.row("commit", Machine.commit());
    s.loadAverage(facts);
    s.row("hub", String.format(Locale.ROOT, "%s%s; heartbeat %d ms, TTL %d ms; hub JVM: %s", options.hub,
        options.hubPid > 0 ? " (pid " + options.hubPid + ")" : "", options.heartbeatMs, options.ttlMs, hubJvmFlags));
    s.row("agents", String.format(Locale.ROOT, "%d simulated (AgentSimulator in the benchmark JVM, "
        + "heartbeat every %d ms)", options.agents, options.heartbeatMs));
    // a figure's later lines line up under its first
    figures.forEach((key, value) -> s.row(key, value.replaceAll("\n\\s*", "\n" + " ".repeat(LABEL_WIDTH))));
    if (!notes.isEmpty()) {
      s.section("problems");
      notes.forEach(note -> s.raw("  " + note.replace("\n", "\n  ") + "\n"));
    }
    s.busyWarning(busy);
    s.section("targets");
    targets.forEach(line -> s.raw(line + "\n"));
    System.out.print(s.end());
    System.out.flush();
  }
}
