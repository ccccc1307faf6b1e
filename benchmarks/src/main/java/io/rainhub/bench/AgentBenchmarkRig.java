package io.rainhub.bench;

import static io.rainhub.bench.Progress.say;

import io.rainhub.agent.AgentCounters;
import io.rainhub.agent.sim.AgentSimulator;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What every phase of the agent benchmark works with (the hub, its readings, the CPU meter, the
 * summary), and what the phases start that {@link #cleanUp} must stop however the run ends: the
 * simulated fleet, agent and bare-server processes, the scratch directory.
 */
final class AgentBenchmarkRig {

  /** Name prefix of the simulated fleet's agents, to tell them from the blast and kill agents. */
  static final String SIM_PREFIX = "sim-";

  final Vertx vertx;
  final AgentBenchmarkOptions options;
  final HubClient hub;
  final HubReadings readings;
  final CpuMeter cpu;
  final AgentSummary summary;
  final List<Process> processes = new ArrayList<>();
  Path work;
  String agentToken;
  AgentSimulator fleet;

  AgentBenchmarkRig(Vertx vertx, AgentBenchmarkOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.hub = new HubClient(vertx, options.hub, Math.max(options.inFlight, 8) + 4);
    this.readings = new HubReadings(hub, options.hubPid);
    this.cpu = new CpuMeter(options.hubPid);
    this.summary = new AgentSummary(options.hubPid);
  }

  /** The simulator's counters, and its last error when it had one. */
  static String countersAndLastError(AgentSimulator simulator) {
    AgentCounters counters = simulator.counters();
    return counters + (counters.lastError() == null ? "" : "; last error: " + counters.lastError());
  }

  void stopFleet() {
    if (fleet != null) {
      AgentSimulator stopping = fleet;
      fleet = null;
      try {
        stopping.stop().await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        say("stopping the simulated agents: " + e);
      }
    }
  }

  void cleanUp() {
    for (Process process : processes) {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
    stopFleet();
    if (work != null) {
      ScratchDirectory.delete(work);
    }
  }
}
