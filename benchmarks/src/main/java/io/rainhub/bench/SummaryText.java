package io.rainhub.bench;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The block a benchmark prints at its end: a title rule, label/value rows in one column width,
 * sections, a closing rule. BENCHMARKS.md quotes these blocks, so their shape stays put.
 */
final class SummaryText {

  private final StringBuilder text = new StringBuilder();
  private final int labelWidth;
  private final int ruleLength;

  SummaryText(String title, int labelWidth) {
    String rule = "================ " + title + " ================";
    this.labelWidth = labelWidth;
    this.ruleLength = rule.length();
    text.append('\n').append(rule).append('\n');
  }

  /** A label, padded to the column, and its value (which may hold its own line breaks). */
  SummaryText row(String label, String value) {
    text.append(String.format(Locale.ROOT, "%-" + labelWidth + "s%s%n", label, value));
    return this;
  }

  /** Text as it is, with no label and no line break added. */
  SummaryText raw(String value) {
    text.append(value);
    return this;
  }

  /** A blank line and {@code -- name}. */
  SummaryText section(String name) {
    text.append("\n-- ").append(name).append('\n');
    return this;
  }

  /** date, machine, java: what every summary starts with. */
  SummaryText dateMachineJava(Map<String, String> facts) {
    row("date", String.valueOf(Instant.now()));
    row("machine", String.format(Locale.ROOT, "nproc %s; %s; %s RAM", facts.get("cpus"), facts.get("cpu model"),
        facts.get("memory")));
    return row("java", facts.get("java"));
  }

  SummaryText loadAverage(Map<String, String> facts) {
    return row("load average", facts.get("load") + " at start (other work on the machine skews every figure)");
  }

  /** The warning that phases ran on a busy machine; nothing when none did. */
  SummaryText busyWarning(BusyPhases busy) {
    if (!busy.phases().isEmpty()) {
      text.append('\n').append(String.format(Locale.ROOT, "%-" + labelWidth + "s", "WARNING"))
          .append("other processes kept the machine busy (").append(String.join(", ", busy.phases()))
          .append("): those figures are low; run again on a quiet machine\n");
    }
    return this;
  }

  /** A ratio held to a target that it must reach, e.g. {@code hub/bare reads  0.41 (41%) vs target >= 50%  MISSED}. */
  static String ratioTarget(int labelWidth, String label, double ratio, double target) {
    return String.format(Locale.ROOT, "%-" + labelWidth + "s%.2f (%.0f%%) vs target >= %.0f%%  %s", label, ratio,
        ratio * 100, target * 100, ratio >= target ? "MET" : "MISSED");
  }

  /** The block with its closing rule. */
  String end() {
    return text + "=".repeat(ruleLength) + "\n";
  }
}
