package io.rainhub.bench;

import static io.rainhub.bench.BoundedWaits.await;
import static io.rainhub.bench.Progress.say;

import io.rainhub.agent.sim.AgentSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark of the hub's agent gateway with thousands of agents on one hub; see
 * {@code bin/bench-agents} and BENCHMARKS.md. Phases, each bounded in time:
 *
 * <ol>
 *   <li>a. connect ({@link ConnectPhase}): {@code --agents} simulated agents
 *       ({@link AgentSimulator}, in this JVM, the real agent session and WebSocket transport) at
 *       {@code --connect-rate} per second; time until every one is welcomed;
 *       {@code GET /v1.0/agents} must list them;</li>
 *   <li>b. steady state ({@link SteadyStatePhase}): {@code --steady-seconds} of heartbeats every
 *       {@code --heartbeat-ms}; the hub's CPU (from /proc), its heap after a full GC
 *       ({@code jcmd PID GC.run}, then {@code jvm_memory_used_bytes{area="heap"}} of /metrics), and
 *       heartbeat-to-map latency ({@code rainhub_agent_heartbeat_applied_seconds} of /metrics);</li>
 *   <li>c. command round trip ({@link CommandRoundTripPhase}): {@code POST /v1.0/nodes/{id}/commands}
 *       (guest) to random simulated nodes, {@code --in-flight} at a time, timed end to end over
 *       HTTP;</li>
 *   <li>d. frame throughput ({@link FrameThroughputPhase}): {@code --blast-agents} more agents flood
 *       heartbeats for {@code --blast-seconds} (after an uncounted warm-up) at
 *       {@link BareWebSocketServer} in a process of its own (the baseline the target is held to:
 *       like the hub, a JVM of its own), at the same server deployed in this JVM (on the senders'
 *       event loops), then at the hub (frames counted by the hub: its applied-heartbeat count, less
 *       the idle agents' rate); the idle agents stay connected to the hub throughout;</li>
 *   <li>e. kill -9 to LOST ({@link KillToLostPhase}): {@code --kills} times, a real agent process is
 *       started, awaited AVAILABLE, killed with SIGKILL, and {@code GET /mothership/{id}} is polled
 *       every 20 ms until LOST;</li>
 *   <li>f. a summary with the machine, the commit, every figure and its target
 *       ({@link AgentSummary}).</li>
 * </ol>
 *
 * <p>They run in the order a, b, c, e, d: the flood of d can take the hub down (it has no
 * backpressure from its sockets to the hypervisor yet), so it comes last, and within d the bare
 * baselines run before the hub.
 *
 * <p>Traffic goes only to the hub URL given (loopback expected) and to the bare server on
 * 127.0.0.1.
 */
public final class AgentBenchmark {

  static final double P99_TARGET_MS = 50;
  static final double HEAP_TARGET_MIB = 512;
  static final double HEAP_PER_AGENT_TARGET_KIB = 50;
  static final double FRAME_RATIO_TARGET = 0.5;
  static final long LOST_SLACK_MS = 500;

  public static void main(String[] args) {
    AgentBenchmarkOptions options;
    try {
      options = AgentBenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("AgentBenchmark: " + e.getMessage());
      System.err.println(AgentBenchmarkOptions.USAGE);
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    int status;
    AgentBenchmarkRig rig = new AgentBenchmarkRig(vertx, options);
    try {
      run(rig);
      status = 0;
    } catch (BenchmarkFailure e) {
      System.err.println("AgentBenchmark: FAILED: " + e.getMessage());
      status = 1;
    } catch (Exception e) {
      System.err.println("AgentBenchmark: FAILED: " + e);
      e.printStackTrace();
      status = 1;
    } finally {
      rig.cleanUp();
      try {
        vertx.close().await(20, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
    System.exit(status);
  }

  static void run(AgentBenchmarkRig rig) throws Exception {
    AgentBenchmarkOptions options = rig.options;
    Map<String, String> facts = Machine.facts();
    say("machine: " + facts.get("cpus") + " cpus, " + facts.get("cpu model") + ", " + facts.get("memory")
        + " RAM; " + facts.get("java") + "; load " + facts.get("load"));
    say("hub: " + options.hub + (options.hubPid > 0 ? " (pid " + options.hubPid + ")" : "")
        + "; heartbeat " + options.heartbeatMs + " ms, TTL " + options.ttlMs + " ms");
    rig.work = ScratchDirectory.create("rainhub-bench-agents-");
    rig.hub.login(options.password);
    rig.agentToken = issueAgentToken(rig.hub);

    HubReadings.Heap before = rig.readings.heap();
    say(String.format(Locale.ROOT, "hub heap after a full GC, before any agent: %s", before.describe()));

    new ConnectPhase(rig).run();
    new SteadyStatePhase(rig).run(before);
    new CommandRoundTripPhase(rig).run();
    // e before d: the flood of d can take the hub down, so it runs last
    new KillToLostPhase(rig).run();
    new FrameThroughputPhase(rig).run();
    rig.stopFleet();
    rig.summary.print(facts, options, rig.readings.jvmFlags());
  }

  /** A token for every agent of the run: the simulated fleet, the blasters and the killed agents. */
  private static String issueAgentToken(HubClient hub) {
    HttpResponse<Buffer> response = await(hub.post("/v1.0/agent-tokens")
        .sendJsonObject(new JsonObject().put("name", "bench-agents").put("ttlDays", 1)), "POST /v1.0/agent-tokens");
    if (response.statusCode() / 100 != 2 || response.bodyAsJsonObject().getString("token") == null) {
      throw new BenchmarkFailure("POST /v1.0/agent-tokens answered " + response.statusCode() + ": "
          + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getString("token");
  }
}
