package io.rainhub.agent.sim;

import io.rainhub.agent.AgentCounters;
import io.rainhub.agent.AgentIdentity;
import io.rainhub.agent.AgentSession;
import io.rainhub.agent.AgentState;
import io.rainhub.agent.HubEndpoints;
import io.rainhub.agent.MetricsSource;
import io.rainhub.agent.NodeActions;
import io.rainhub.agent.StateStore;
import io.rainhub.agent.WebSocketTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated agent: the real session and WebSocket transport, with its state in memory,
 * steps that succeed at once and fixed metrics.
 */
final class SimulatedAgent {

  /** The simulator reports through counters; its agents log here, which the agent's jar keeps quiet. */
  private static final Logger LOG = LoggerFactory.getLogger("io.rainhub.agent.sim.agents");

  /** One fixed metrics object shared by every agent: never changed, so safe to encode from any thread. */
  private static final JsonObject METRICS = new JsonObject()
      .put("cpu", 0.05)
      .put("memory", new JsonObject().put("usedMb", 2048).put("totalMb", 8192))
      .put("network", new JsonObject().put("rxMbps", 1.5).put("txMbps", 0.5))
      .put("load", new JsonArray().add(0.1).add(0.1).add(0.1));
  private static final MetricsSource FIXED_METRICS = () -> METRICS;

  private final AgentSession session;
  private final WebSocketTransport transport;

  /** @param number 1, 2, …: gives the name and a unique address in 10.0.0.0/8 */
  SimulatedAgent(Vertx vertx, WebSocketClient client, HubEndpoints.Cursor hubs, SimulatorOptions options, int number,
      AgentCounters counters) {
    String name = options.getNamePrefix() + number;
    String address = "10." + (number >> 16 & 255) + "." + (number >> 8 & 255) + "." + (number & 255);
    List<String> urls = "rainserver".equals(options.getKind()) ? List.of("/" + name + "/*") : List.of();
    AgentIdentity identity = new AgentIdentity(options.getKind(), name, address, options.getCapacity(),
        Map.of("simulated", "true"), urls, AgentIdentity.currentVersion());
    AgentState state = AgentState.empty();
    NodeActions actions = new NodeActions(state, new InstantSteps(), true, Duration.ZERO);
    session = new AgentSession(vertx, identity, state, StateStore.inMemory(), actions, FIXED_METRICS, counters,
        LOG, options.getHeartbeatMs());
    transport = new WebSocketTransport(vertx, client, hubs, options.getToken(), session, counters, LOG,
        WebSocketTransport.KeepAlive.DEFAULT);
  }

  /** Call on the agent's event loop. */
  void start() {
    transport.start();
  }

  Future<Void> stop() {
    return transport.stop();
  }

  Future<Void> firstWelcome() {
    return session.firstWelcome();
  }

  Future<Long> flood(long deadlineNanos) {
    return transport.flood(session::heartbeatFrame, deadlineNanos);
  }
}
