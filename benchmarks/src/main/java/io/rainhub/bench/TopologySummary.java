package io.rainhub.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/** The topology benchmark's closing block: one table per size, then the N=max / N=min ratio against its target. */
final class TopologySummary {

  private static final int LABEL_WIDTH = 34;

  private final TopologyBenchmarkOptions options;
  private final Map<String, String> facts;
  private final String loadAtEnd;
  private final String store;
  private final List<TopologyBenchmark.Round> rounds;
  private final List<String> problems;

  TopologySummary(TopologyBenchmarkOptions options, Map<String, String> facts, String loadAtEnd, String store,
                  List<TopologyBenchmark.Round> rounds, List<String> problems) {
    this.options = options;
    this.facts = facts;
    this.loadAtEnd = loadAtEnd;
    this.store = store;
    this.rounds = rounds;
    this.problems = problems;
  }

  void print() {
    double ideal = 3 * TopologyBenchmark.SCRIPTS_PER_COMPONENT * options.sleepSeconds;
    SummaryText s = new SummaryText("Topology deployment benchmark summary", LABEL_WIDTH);
    s.dateMachineJava(facts);
    s.row("commit", Machine.commit());
    s.row("load average", facts.get("load") + " at start, " + loadAtEnd + " at end (other work on the machine"
        + " skews every figure)");
    s.row("hub", "1 process (java " + String.join(" ", options.hubJavaOpts) + " -jar rainhub.jar serve), " + store);
    s.row("topology", "db (sleep-db ×1) ← app (sleep-app ×N) ← lb (sleep-lb ×1), target local");
    s.row("scripts", String.format(Locale.ROOT, "install, pre-config, configure, start, validate: each sleep %s s;"
        + " ideal critical path %d × %s = %.2f s", plain(options.sleepSeconds),
        3 * TopologyBenchmark.SCRIPTS_PER_COMPONENT, plain(options.sleepSeconds), ideal));
    s.row("rounds", options.rounds + " per N, sizes " + options.sizes + " (reversed every other round), after "
        + options.warmups + " uncounted warm-up deployment(s)");
    s.raw("\nseconds; critical path = per script stage the longest task, summed along db → app → lb;\n"
        + "overhead = wall − critical path; spawn = spawn start → verify-spawn end, summed along the chain\n");
    for (int n : options.sizes) {
      List<TopologyBenchmark.Round> ofN = rounds.stream().filter(r -> r.n() == n).toList();
      if (ofN.isEmpty()) {
        continue;
      }
      s.section(String.format(Locale.ROOT, "N = %d (%d nodes; %d rain-agent host process(es) while deployed)",
          n, n + 2, ofN.get(0).hostProcesses()));
      s.raw(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s%8s %8s   %s%n", "", "median", "max", "each round"));
      line(s, "wall, POST → SUCCEEDED seen", ofN, TopologyBenchmark.Round::wallMs);
      line(s, "job createdAt → endedAt", ofN, r -> r.times().jobMs());
      line(s, "scripts' critical path", ofN, r -> r.times().criticalPathMs());
      line(s, "  of which app's script stages", ofN, r -> r.times().scriptMsByWorkflow().getOrDefault("app", 0L));
      line(s, "engine overhead (wall − path)", ofN, r -> r.wallMs() - r.times().criticalPathMs());
      line(s, "  spawn+verify-spawn on the path", ofN, r -> r.times().spawnMs());
      line(s, "    of which app's", ofN, r -> r.times().spawnMsByWorkflow().getOrDefault("app", 0L));
      line(s, "  the rest", ofN, r -> r.wallMs() - r.times().criticalPathMs() - r.times().spawnMs());
      line(s, "delete, DELETE → SUCCEEDED seen", ofN, TopologyBenchmark.Round::deleteMs);
      s.row("rain-agent processes left", ofN.stream().mapToInt(TopologyBenchmark.Round::leftover).sum()
          + " (after the deletions)");
    }
    if (!problems.isEmpty()) {
      s.section("problems");
      problems.forEach(p -> s.raw("  " + p + "\n"));
    }
    int small = options.sizes.stream().mapToInt(Integer::intValue).min().orElse(1);
    int large = options.sizes.stream().mapToInt(Integer::intValue).max().orElse(1);
    if (small != large) {
      s.section("target: median wall of N = " + large + " within " + TopologyBenchmark.TARGET_RATIO + " × N = "
          + small);
      double wall = ratio(large, small, TopologyBenchmark.Round::wallMs);
      s.raw(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s%.2f vs target <= %.2f  %s%n",
          "wall N=" + large + " / N=" + small, wall, TopologyBenchmark.TARGET_RATIO,
          wall <= TopologyBenchmark.TARGET_RATIO ? "PASS" : "MISSED"));
      s.row("  critical path, same ratio", String.format(Locale.ROOT, "%.2f",
          ratio(large, small, r -> r.times().criticalPathMs())));
      s.row("  overhead, same ratio", String.format(Locale.ROOT, "%.2f",
          ratio(large, small, r -> r.wallMs() - r.times().criticalPathMs())));
    }
    if (options.logDir != null) {
      s.row("hub log", options.logDir.resolve("bench-topology-hub.log").toString());
    }
    System.out.print(s.end());
    System.out.flush();
  }

  private static void line(SummaryText s, String label, List<TopologyBenchmark.Round> ofN,
                           ToLongFunction<TopologyBenchmark.Round> value) {
    long[] values = ofN.stream().mapToLong(value).toArray();
    s.raw(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s%8.2f %8.2f   %s%n", label, median(values) / 1e3,
        Arrays.stream(values).max().orElse(0) / 1e3,
        Arrays.stream(values).mapToObj(ms -> String.format(Locale.ROOT, "%.2f", ms / 1e3))
            .collect(Collectors.joining(" "))));
  }

  private double ratio(int large, int small, ToLongFunction<TopologyBenchmark.Round> value) {
    return median(of(large, value)) / median(of(small, value));
  }

  private long[] of(int n, ToLongFunction<TopologyBenchmark.Round> value) {
    return rounds.stream().filter(r -> r.n() == n).mapToLong(value).toArray();
  }

  static double median(long[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
  }

  private static String plain(double seconds) {
    return seconds % 1 == 0 ? Long.toString((long) seconds) : Double.toString(seconds);
  }
}
