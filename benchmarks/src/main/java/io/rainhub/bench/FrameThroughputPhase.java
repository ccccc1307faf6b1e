package io.rainhub.bench;

import static io.rainhub.bench.BoundedWaits.await;
import static io.rainhub.bench.BoundedWaits.sleep;
import static io.rainhub.bench.BoundedWaits.waitFor;
import static io.rainhub.bench.Progress.say;

import io.rainhub.agent.Frames;
import io.rainhub.agent.sim.AgentSimulator;
import io.rainhub.agent.sim.BlastResult;
import io.rainhub.agent.sim.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * d. frame throughput: {@code --blast-agents} more agents flood heartbeats for
 * {@code --blast-seconds} (after an uncounted warm-up) at the bare baselines
 * ({@link BareBaselineBlast}), then at the hub, which counts the frames its gateway received (less
 * the idle agents' rate). The bare baselines run first, while the hub idles with its agents,
 * because a flood can take the hub down (it did in every 10,000-agent run so far; BENCHMARKS.md).
 */
final class FrameThroughputPhase extends AgentBenchmarkPhase {

  FrameThroughputPhase(AgentBenchmarkRig rig) {
    super(rig);
  }

  void run() {
    if (options.blastSeconds == 0) {
      return;
    }
    say(String.format(Locale.ROOT, "d. frame throughput: %d agents flood heartbeats for %d s (after a %d s warm-up) "
        + "at a bare Vert.x WebSocket server in its own process, at the same server in this JVM, then at the hub; "
        + "the %d idle agents stay connected to the hub", options.blastAgents, options.blastSeconds,
        options.blastWarmupSeconds, options.agents));
    summary.figure("blast", String.format(Locale.ROOT, "%d agents flooding heartbeats for %d s each run (after an "
        + "uncounted %d s warm-up), under write-queue backpressure; %d idle agents connected to the hub throughout",
        options.blastAgents, options.blastSeconds, options.blastWarmupSeconds, options.agents));

    // bare, in a process of its own (the fair baseline: the hub is one too), then in this JVM
    BareBaselineBlast baseline = new BareBaselineBlast(rig);
    BareBaselineBlast.Bare own = baseline.inOwnProcess();
    BareBaselineBlast.Bare shared = baseline.inThisJvm();
    summary.figure("bare frames/s", String.format(Locale.ROOT, "%.0f received, %.0f sent: BareWebSocketServer in a "
        + "process of its own (-Xmx1g, like the hub)%n%.0f received, %.0f sent: the same server in the benchmark JVM "
        + "(on the senders' event loops)", own.rate(), own.sent(), shared.rate(), shared.sent()));
    summary.figure("cpu (bare blasts)", "own process: " + own.cpu() + "\nbenchmark JVM: " + shared.cpu());

    // the hub
    AgentSimulator blasters = new AgentSimulator(rig.vertx, new SimulatorOptions().setHub(rig.hub.wsUrl())
        .setToken(rig.agentToken).setCount(options.blastAgents).setHeartbeatMs(options.heartbeatMs)
        .setConnectRatePerSecond(options.connectRate).setNamePrefix("blast-"));
    try {
      double hubRate = hubBlast(blasters);
      double ratio = own.rate() <= 0 ? 0 : hubRate / own.rate();
      say(String.format(Locale.ROOT, "d. hub/bare: %.2f against bare in its own process; %.2f against bare in the "
          + "benchmark JVM", ratio, shared.rate() <= 0 ? 0 : hubRate / shared.rate()));
      summary.target(SummaryText.ratioTarget(AgentSummary.LABEL_WIDTH, "hub/bare frames", ratio,
          AgentBenchmark.FRAME_RATIO_TARGET));
    } catch (BenchmarkFailure e) {
      // what the hub looks like from outside while it does not answer
      String heap = rig.readings.jstatHeap();
      long[] queued = rig.readings.kernelQueues();
      String state = "hub heap now: " + heap + (queued == null ? ""
          : String.format(Locale.ROOT, "; in the kernel: %.1f MiB unread by the hub, %.1f MiB unsent by the agents",
              queued[0] / 1048576.0, queued[1] / 1048576.0));
      say("d. hub blast FAILED: " + e.getMessage() + "; " + state);
      summary.figure("hub frames/s", "not measured: " + e.getMessage() + "\n" + state + "\nblasters: "
          + AgentBenchmarkRig.countersAndLastError(blasters));
      summary.problem("the hub stopped answering during the frame throughput phase: " + e.getMessage() + "; "
          + state + " (see the hub's GC log)");
      summary.target(AgentSummary.unmeasured("hub/bare frames", "no measurement: the hub stopped answering"));
    } finally {
      try {
        blasters.stop().await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        say("d. stopping the blast agents: " + e);
      }
    }
  }

  /** The hub's blast; the frames per second its gateway received (and checked; heartbeats coalesce per node). */
  private double hubBlast(AgentSimulator blasters) {
    HubReadings readings = rig.readings;
    Future<Void> started = blasters.start();
    waitFor(started, 120, "blast agents (hub)", () -> blasters.counters().toString());
    if (!started.succeeded()) {
      throw new BenchmarkFailure("the blast agents were not all welcomed by the hub: " + blasters.counters());
    }
    if (options.blastWarmupSeconds > 0) {
      BlastResult warm = await(blasters.blast(Duration.ofSeconds(options.blastWarmupSeconds)),
          "warm-up blast at the hub", options.blastWarmupSeconds + 60L);
      String heapAfterWarmup = readings.jstatHeap();
      double[] settled = drainHub(readings.metrics().framesReceived(), options.heartbeatMs > 0
          ? (options.agents + options.blastAgents) * 1000.0 / options.heartbeatMs : 0);
      say(String.format(Locale.ROOT, "d. hub warm-up: %d frames sent in %d s (not counted); hub heap right after: %s; "
          + "the hub took %.0f s more to apply what it had read", warm.frames(), options.blastWarmupSeconds,
          heapAfterWarmup, settled[1]));
    }
    // heartbeats the idle agents (and the blasters' own timers) add: measured just before, subtracted after
    HubMetrics idleStart = readings.metrics();
    long idleStarted = System.nanoTime();
    sleep(5_000);
    HubMetrics idleEnd = readings.metrics();
    double idleRate = (idleEnd.framesReceived() - idleStart.framesReceived())
        / ((System.nanoTime() - idleStarted) / 1e9);
    long blasterErrors = blasters.counters().errors();
    HubMetrics before = readings.metrics();
    CpuMeter.Window cpuBefore = rig.cpu.open();
    BlastResult hubBlast = await(blasters.blast(Duration.ofSeconds(options.blastSeconds)), "blast at the hub",
        options.blastSeconds + 60L);
    CpuMeter.Usage hubUsage = rig.cpu.since(cpuBefore);
    long[] queued = readings.kernelQueues();
    String heapAtEnd = readings.jstatHeap();
    HubMetrics after = readings.metrics();
    double seconds = hubBlast.elapsed().toNanos() / 1e9;
    double hubApplied = after.framesReceived() - before.framesReceived() - idleRate * seconds;
    double hubRate = hubApplied / seconds;
    // frames still in flight to the hub when the window closed
    double[] drain = drainHub(after.framesReceived(), idleRate);
    double drained = drain[0];
    double drainSeconds = drain[1];
    long newErrors = blasters.counters().errors() - blasterErrors;
    String blasterLastError = blasters.counters().lastError();
    say(String.format(Locale.ROOT, "d. hub: %.0f frames/s received by the hub's gateway (%.0f in %.1f s, idle %.0f/s "
        + "subtracted); sent %.0f/s (%d frames); %.0f more received after the window (%.0f s to drain); "
        + "blasters' errors %d", hubRate, hubApplied, seconds, idleRate, hubBlast.framesPerSecond(), hubBlast.frames(),
        drained, drainSeconds, newErrors));
    int frameBytes = sampleHeartbeatBytes();
    String kernel = queued == null ? "ss not available"
        : String.format(Locale.ROOT, "in the kernel at the window's end: %.1f MiB unread by the hub + %.1f MiB unsent "
            + "by the agents = ~%.0f frames of ~%d bytes", queued[0] / 1048576.0, queued[1] / 1048576.0,
            (queued[0] + queued[1]) / (double) frameBytes, frameBytes);
    say("d. hub backlog " + kernel + "; hub heap at the window's end: " + heapAtEnd);
    say("d. hub cpu: " + hubUsage.describe());
    summary.figure("hub frames/s", String.format(Locale.ROOT, "%.0f received (hub's "
        + "rainhub_agent_frames_received_total; idle %.0f/s subtracted); %.0f sent; %.0f more received after the "
        + "window (%.0f s to drain); blasters' errors %d%s", hubRate, idleRate, hubBlast.framesPerSecond(), drained,
        drainSeconds, newErrors, newErrors > 0 && blasterLastError != null ? " (last: " + blasterLastError + ")" : ""));
    summary.figure("hub backlog", kernel + "\nhub heap at the window's end: " + heapAtEnd);
    summary.figure("cpu (hub blast)", hubUsage.describe());
    summary.skew("hub blast", hubUsage.otherCores());
    if (newErrors > 0) {
      summary.problem("the hub answered " + newErrors + " blast frames with errors (last: " + blasterLastError + ")");
    }
    return hubRate;
  }

  /**
   * Waits (at most 60 s) until the hub receives frames no faster than {@code idleRate} again.
   *
   * @return frames applied meanwhile beyond the idle rate, and the seconds it took
   */
  private double[] drainHub(double fromCount, double idleRate) {
    long started = System.nanoTime();
    double last = fromCount;
    double drained = 0;
    for (int i = 0; i < 60; i++) {
      sleep(1_000);
      double now = rig.readings.metrics().framesReceived();
      double extra = now - last - idleRate;
      last = now;
      if (extra <= Math.max(50, idleRate * 0.2)) {
        break;
      }
      drained += extra;
    }
    return new double[] {drained, (System.nanoTime() - started) / 1e9};
  }

  /** A heartbeat frame like a simulated agent's, as a client WebSocket frame (8 bytes of header and mask). */
  private static int sampleHeartbeatBytes() {
    JsonObject metrics = new JsonObject().put("cpu", 0.05)
        .put("memory", new JsonObject().put("usedMb", 2048).put("totalMb", 8192))
        .put("network", new JsonObject().put("rxMbps", 1.5).put("txMbps", 0.5))
        .put("load", new JsonArray().add(0.1).add(0.1).add(0.1));
    JsonObject body = new JsonObject().put("metrics", metrics).put("instances", new JsonArray());
    return Frames.frame(Frames.HEARTBEAT, 123456, body).encode().getBytes(StandardCharsets.UTF_8).length + 8;
  }
}
