package io.rainhub.bench;

import java.util.Locale;
import java.util.Map;

/** The cloud API benchmark's summary: machine, setup, placement, reads, CPU, targets, then wrk's raw output. */
final class CloudApiSummary {

  static final double PLACEMENT_TARGET = 2000;
  static final double READ_RATIO_TARGET = 0.5;
  private static final int LABEL_WIDTH = 16;

  private final CloudApiBenchmarkOptions options;

  CloudApiSummary(CloudApiBenchmarkOptions options) {
    this.options = options;
  }

  void print(Map<String, String> facts, double setupSeconds, PlacementPhase.Placements placements,
      WrkReadPhase.Read read) {
    RequestBatch warm = placements.warm();
    RequestBatch placed = placements.placed();
    CpuMeter.Usage placementCpu = placements.cpu();
    double rate = placed.rate();
    double ratio = read.ratio();
    SummaryText s = new SummaryText("Cloud API benchmark summary", LABEL_WIDTH);
    s.dateMachineJava(facts).loadAverage(facts);
    s.row("hub", String.format(Locale.ROOT, "%s%s, %d HTTP instance(s)", options.hub,
        options.hubPid > 0 ? " (pid " + options.hubPid + ")" : "", options.httpInstances));
    s.row("setup", String.format(Locale.ROOT, "%d motherships, %d rain servers, %d components in %.1f s",
        options.motherships, options.servers, options.components, setupSeconds));
    s.section("placement: POST /webcomponent/c<k>/1.0");
    s.row("warm-up", String.format(Locale.ROOT, "%d requests, %s (not counted)", warm.total, warm.statusLine()));
    s.row("requests", String.format(Locale.ROOT, "%d, %d in flight", placed.total, options.concurrency));
    s.row("answers", placed.statusLine());
    s.row("wall time", String.format(Locale.ROOT, "%.2f s", placed.wallNanos / 1e9));
    s.row("placements/s", String.format(Locale.ROOT, "%.0f   (201s per second of wall time)", rate));
    s.row("latency ms", String.format(Locale.ROOT, "p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f",
        placed.percentileMs(50), placed.percentileMs(90), placed.percentileMs(99), placed.percentileMs(99.9),
        placed.percentileMs(100)));
    s.row("outliers", String.format(Locale.ROOT, "%d over 100 ms, %d over 1 s", placed.over(100), placed.over(1000)));
    if (placementCpu != null) {
      s.row("cpu", placementCpu.describe());
    }
    String samples = placed.samplesText();
    if (!samples.isEmpty()) {
      // one space short of the column: the samples start on a line of their own
      s.raw("problems       ").raw(samples.replace("\n", "\n                ")).raw("\n");
    }
    s.section("read: GET /webcomponent/{instanceId}, " + placements.readIds().size() + " ids rotated");
    s.row("wrk", String.format(Locale.ROOT, "%s (%d s uncounted warm-up each)", read.wrkCommand(), options.wrkWarmup));
    s.row("body bytes", String.format(Locale.ROOT, "hub %d, bare %d", read.hubBodyBytes(), read.bareBodyBytes()));
    s.row("hub", wrkLine(read.hub()));
    s.row("bare", wrkLine(read.bare()));
    if (options.hubPid > 0) {
      s.row("cpu (hub run)", read.hubCpu().describe());
      s.row("cpu (bare run)", read.bareCpu().describe());
      s.row("cpu per GET", String.format(Locale.ROOT, "hub %.1f us, bare %.1f us (server process CPU / requests)",
          read.hubCpu().hubCores() * 1e6 / Math.max(1, read.hub().requestsPerSecond()),
          read.bareCpu().benchCores() * 1e6 / Math.max(1, read.bare().requestsPerSecond())));
    }
    BusyPhases busy = new BusyPhases(options.hubPid);
    busy.note("placement", placementCpu.otherCores());
    busy.note("hub reads", read.hubCpu().otherCores());
    busy.note("bare reads", read.bareCpu().otherCores());
    s.busyWarning(busy);
    s.section("targets");
    s.row("placements/s", String.format(Locale.ROOT, "%.0f vs target >= %.0f: %.2fx of target  %s", rate,
        PLACEMENT_TARGET, rate / PLACEMENT_TARGET, rate >= PLACEMENT_TARGET ? "MET" : "MISSED"));
    s.raw(SummaryText.ratioTarget(LABEL_WIDTH, "hub/bare reads", ratio, READ_RATIO_TARGET)).raw("\n");
    System.out.print(s.end());
    System.out.println("\n-- raw wrk output, hub\n" + Wrk.withoutTimes(read.hub().raw()));
    System.out.println("\n-- raw wrk output, bare\n" + Wrk.withoutTimes(read.bare().raw()));
    System.out.flush();
  }

  private static String wrkLine(Wrk.WrkResult run) {
    return String.format(Locale.ROOT, "%.0f requests/s  latency p50 %s p99 %s max %s  non-2xx %d  socket errors %s",
        run.requestsPerSecond(), run.p50(), run.p99(), run.max(), run.non2xx(), run.socketErrors());
  }
}
