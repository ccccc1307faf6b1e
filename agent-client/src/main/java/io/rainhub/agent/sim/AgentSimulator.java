package io.rainhub.agent.sim;

import io.rainhub.agent.AgentCounters;
import io.rainhub.agent.HubClients;
import io.rainhub.agent.HubEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Many agents in one JVM speaking the real protocol (hello, welcome, heartbeats, ack and result,
 * reconnects with backoff) to load a hub: the {@code simulate} command, and a library for
 * benchmarks. Each agent keeps its state in memory and runs every command at once with success.
 * With several hubs they are spread over them (sim-1 on the first, sim-2 on the second, …) and fail
 * over like an agent.
 *
 * <pre>{@code
 * AgentSimulator simulator = new AgentSimulator(vertx, new SimulatorOptions()
 *     .setHub("ws://localhost:8080").setToken(token).setCount(1000).setHeartbeatMs(0));
 * simulator.start().await();                       // every agent welcomed once
 * BlastResult blast = simulator.blast(Duration.ofSeconds(10)).await();
 * simulator.stop().await();
 * }</pre>
 */
public final class AgentSimulator {

  private final Vertx vertx;
  private final SimulatorOptions options;
  private final AgentCounters counters = new AgentCounters();
  private final List<SimulatedAgent> agents = new ArrayList<>();
  private List<Future<String>> deployments = List.of();
  private WebSocketClient client;

  public AgentSimulator(Vertx vertx, SimulatorOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  /**
   * Starts connecting every agent, at most the options' connect rate per second, spread over the
   * event loops. Call once.
   *
   * @return completes when every agent has been welcomed at least once (it may never, if the hub
   *     refuses them: watch {@link #counters()})
   */
  public Future<Void> start() {
    HubEndpoints hubs = HubEndpoints.parse(options.getHub());
    client = HubClients.webSocketClient(vertx, hubs.all().get(0), options.getTls(), options.getCount());
    // One shard per event loop, as many as Vert.x starts by default.
    int shardCount = Math.min(options.getCount(), 2 * Runtime.getRuntime().availableProcessors());
    List<List<SimulatedAgent>> slices = new ArrayList<>();
    for (int slice = 0; slice < shardCount; slice++) {
      slices.add(new ArrayList<>());
    }
    for (int number = 1; number <= options.getCount(); number++) {
      SimulatedAgent agent = new SimulatedAgent(vertx, client, hubs.cursor(number - 1), options, number,
          counters);
      agents.add(agent);
      slices.get(number % shardCount).add(agent);
    }
    deployments = slices.stream()
        .map(slice -> vertx.deployVerticle(new SimulatorShard(slice, options.getConnectRatePerSecond() / shardCount)))
        .toList();
    return Future.all(deployments)
        .compose(all -> Future.all(agents.stream().map(SimulatedAgent::firstWelcome).toList()))
        .mapEmpty();
  }

  /**
   * Every agent writes heartbeat frames as fast as its socket accepts them (waiting whenever its
   * write queue is full) for {@code duration}: a measure of how many frames a second the hub
   * takes in. Call after {@link #start()} completed.
   */
  public Future<BlastResult> blast(Duration duration) {
    long started = System.nanoTime();
    long deadline = started + duration.toNanos();
    List<Future<Long>> floods = agents.stream().map(agent -> agent.flood(deadline)).toList();
    return Future.all(floods).map(all -> new BlastResult(
        floods.stream().mapToLong(Future::result).sum(), Duration.ofNanos(System.nanoTime() - started)));
  }

  /** Live counters over all agents: connected, welcomed, frames sent, commands, reconnects, errors. */
  public AgentCounters counters() {
    return counters;
  }

  /** Closes every agent's connection; the simulator cannot be started again. */
  public Future<Void> stop() {
    List<Future<Void>> undeployed = deployments.stream()
        .filter(Future::succeeded)
        .map(deployed -> vertx.undeploy(deployed.result()))
        .toList();
    return Future.all(undeployed).compose(all -> client == null ? Future.succeededFuture() : client.close());
  }
}
