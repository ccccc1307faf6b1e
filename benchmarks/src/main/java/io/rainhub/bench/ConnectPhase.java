package io.rainhub.bench;

import static io.rainhub.bench.BoundedWaits.waitFor;
import static io.rainhub.bench.Progress.say;

import io.rainhub.agent.AgentCounters;
import io.rainhub.agent.sim.AgentSimulator;
import io.rainhub.agent.sim.SimulatorOptions;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.Map;

/**
 * a. connect: {@code --agents} simulated agents at {@code --connect-rate} per second; the time
 * until every one is welcomed; {@code GET /v1.0/agents} must then list them all.
 */
final class ConnectPhase extends AgentBenchmarkPhase {

  ConnectPhase(AgentBenchmarkRig rig) {
    super(rig);
  }

  void run() {
    say(String.format(Locale.ROOT, "a. connecting %d simulated agents at %.0f/s, heartbeat every %d ms...",
        options.agents, options.connectRate, options.heartbeatMs));
    // the rig holds the fleet from the start: a connect that fails half-way is stopped by cleanUp
    AgentSimulator fleet = new AgentSimulator(rig.vertx, new SimulatorOptions().setHub(rig.hub.wsUrl())
        .setToken(rig.agentToken).setCount(options.agents).setHeartbeatMs(options.heartbeatMs)
        .setConnectRatePerSecond(options.connectRate).setNamePrefix(AgentBenchmarkRig.SIM_PREFIX));
    rig.fleet = fleet;
    long timeoutS = Math.max(120, (long) (options.agents / options.connectRate * 3) + 60);
    CpuMeter.Window cpuBefore = rig.cpu.open();
    long started = System.nanoTime();
    Future<Void> welcomed = fleet.start();
    waitFor(welcomed, timeoutS, "connect", () -> AgentBenchmarkRig.countersAndLastError(fleet));
    long wall = System.nanoTime() - started;
    if (welcomed.failed() || !welcomed.isComplete()) {
      throw new BenchmarkFailure("not every agent was welcomed within " + timeoutS + " s: "
          + AgentBenchmarkRig.countersAndLastError(fleet));
    }
    CpuMeter.Usage usage = rig.cpu.since(cpuBefore);
    AgentCounters c = fleet.counters();
    say(String.format(Locale.ROOT, "a. all %d agents welcomed in %.1f s (%.0f/s); %s", options.agents, wall / 1e9,
        options.agents / (wall / 1e9), c));
    say("a. cpu: " + usage.describe());
    summary.figure("connect", String.format(Locale.ROOT, "%d agents welcomed in %.1f s (%.0f/s, ramp %.0f/s); "
        + "reconnects %d, errors %d", options.agents, wall / 1e9, options.agents / (wall / 1e9), options.connectRate,
        c.reconnects(), c.errors()));
    summary.figure("cpu (connect)", usage.describe());
    summary.skew("connect", usage.otherCores());
    Map<String, Integer> states = rig.readings.agentStates();
    say("a. GET /v1.0/agents: " + states);
    summary.figure("GET /v1.0/agents", "after connect: " + states);
    int listed = states.getOrDefault("sim total", 0);
    if (listed != options.agents) {
      throw new BenchmarkFailure("GET /v1.0/agents lists " + listed + " simulated agents, not "
          + options.agents + ": " + states);
    }
  }
}
