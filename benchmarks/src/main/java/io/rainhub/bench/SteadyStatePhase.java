package io.rainhub.bench;

import static io.rainhub.bench.BoundedWaits.sleep;
import static io.rainhub.bench.Progress.say;

import io.rainhub.agent.sim.AgentSimulator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * b. steady state: {@code --steady-seconds} of heartbeats only; the hub's CPU, heartbeat-to-map
 * latency (the hub's own histogram) and, after a full GC, its heap per agent.
 */
final class SteadyStatePhase extends AgentBenchmarkPhase {

  SteadyStatePhase(AgentBenchmarkRig rig) {
    super(rig);
  }

  /** @param empty the hub's heap before any agent connected */
  void run(HubReadings.Heap empty) {
    AgentSimulator fleet = rig.fleet;
    HubReadings readings = rig.readings;
    say(String.format(Locale.ROOT, "b. steady state for %d s (heartbeats only)...", options.steadySeconds));
    HubMetrics start = readings.metrics();
    long reconnects = fleet.counters().reconnects();
    long errors = fleet.counters().errors();
    CpuMeter.Window cpuBefore = rig.cpu.open();
    long started = System.nanoTime();
    long end = started + TimeUnit.SECONDS.toNanos(options.steadySeconds);
    long nextReport = started + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < end) {
      sleep(Math.min(500, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
      if (System.nanoTime() >= nextReport) {
        say(String.format(Locale.ROOT, "b. %.0f s: %s", (System.nanoTime() - started) / 1e9, fleet.counters()));
        nextReport += TimeUnit.SECONDS.toNanos(15);
      }
    }
    long wall = System.nanoTime() - started;
    HubMetrics stop = readings.metrics();
    CpuMeter.Usage usage = rig.cpu.since(cpuBefore);
    double seconds = wall / 1e9;
    double applied = stop.heartbeatCount() - start.heartbeatCount();
    double expected = options.agents * seconds * 1000.0 / options.heartbeatMs;
    double meanMs = applied <= 0 ? 0 : (stop.heartbeatSum() - start.heartbeatSum()) / applied * 1000;
    double p50 = stop.heartbeatQuantileMs("0.5");
    double p99 = stop.heartbeatQuantileMs("0.99");
    say(String.format(Locale.ROOT, "b. heartbeats applied: %.0f in %.1f s (%.0f/s; %.0f/s expected from %d agents)",
        applied, seconds, applied / seconds, expected / seconds, options.agents));
    say(String.format(Locale.ROOT, "b. heartbeat-to-map: p50 %.2f ms, p99 %.2f ms (hub's Micrometer window), "
        + "mean %.2f ms over the window, max %.2f ms", p50, p99, meanMs, stop.heartbeatMaxMs()));
    say("b. cpu: " + usage.describe());
    long newReconnects = fleet.counters().reconnects() - reconnects;
    long newErrors = fleet.counters().errors() - errors;
    Map<String, Integer> states = readings.agentStates();
    say("b. GET /v1.0/agents: " + states + "; simulator: " + fleet.counters());

    HubReadings.Heap full = readings.heap();
    double perAgentKib = full.usedBytes() / 1024.0 / options.agents;
    double marginalKib = (full.usedBytes() - empty.usedBytes()) / 1024.0 / options.agents;
    say(String.format(Locale.ROOT, "b. hub heap after a full GC with %d agents: %s; %.1f KiB per agent "
        + "(%.1f KiB above the empty hub's %.1f MiB)", options.agents, full.describe(), perAgentKib, marginalKib,
        empty.usedBytes() / 1048576.0));

    summary.figure("heartbeats", String.format(Locale.ROOT, "%.0f applied in %.1f s: %.0f/s (expected %.0f/s); "
        + "reconnects %d, errors %d during the window", applied, seconds, applied / seconds, expected / seconds,
        newReconnects, newErrors));
    summary.figure("heartbeat->map", String.format(Locale.ROOT, "p50 %.2f ms  p99 %.2f ms  (window mean %.2f ms, "
        + "decayed max %.2f ms)", p50, p99, meanMs, stop.heartbeatMaxMs()));
    summary.figure("cpu (steady)", usage.describe());
    summary.skew("steady state", usage.otherCores());
    summary.figure("hub heap", String.format(Locale.ROOT, "%s after GC.run with %d agents; empty hub %.1f MiB",
        full.describe(), options.agents, empty.usedBytes() / 1048576.0));
    summary.figure("heap per agent", String.format(Locale.ROOT, "%.1f KiB (all heap / agents); %.1f KiB marginal "
        + "((heap - empty hub's) / agents)", perAgentKib, marginalKib));
    summary.figure("agent states", "after steady state: " + states);
    summary.target(AgentSummary.target("heartbeat p99", p99, AgentBenchmark.P99_TARGET_MS, "ms", true));
    summary.target(AgentSummary.target("hub heap", full.usedBytes() / 1048576.0, AgentBenchmark.HEAP_TARGET_MIB,
        "MiB", true));
    summary.target(AgentSummary.target("heap per agent", perAgentKib, AgentBenchmark.HEAP_PER_AGENT_TARGET_KIB,
        "KiB", true));
    if (newReconnects > 0 || newErrors > 0 || states.getOrDefault("AVAILABLE", 0) != options.agents) {
      summary.problem("steady state was not clean: " + newReconnects + " reconnects, " + newErrors + " errors, "
          + "states " + states + (fleet.counters().lastError() == null ? ""
              : "; last error: " + fleet.counters().lastError()));
    }
  }
}
