package io.rainhub.agent;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node agent speaking docs/agent-protocol.md: deploy it to connect to the hub (it keeps
 * reconnecting until undeployed), undeploy it to stop. Its state lives in
 * {@code stateDir/state.json}; its commands run the scripts of {@code scriptsDir}. A generic node
 * also runs the recipes the hub ships it, and undeploys itself when told to {@code leave}.
 */
public final class RainAgent extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RainAgent.class);
  static final String LEFT_REASON = "left the topology";

  private final AgentConfig config;
  private final MetricsSource sharedMetrics;
  private final AgentCounters counters = new AgentCounters();
  private final NodeLayout layout;
  private final Promise<Void> left = Promise.promise();
  private Transport transport;
  private boolean leaving;

  public RainAgent(AgentConfig config) {
    this(config, null);
  }

  /** @param sharedMetrics the machine's metrics, read once for all the agents of a process; null: its own */
  public RainAgent(AgentConfig config, MetricsSource sharedMetrics) {
    this.config = config;
    this.sharedMetrics = sharedMetrics;
    this.layout = NodeLayout.of(config.identity().name(), config.stateDir());
  }

  public AgentCounters counters() {
    return counters;
  }

  /** Completes once the node left its topology: it said goodbye, its directories are gone, it is undeployed. */
  public Future<Void> left() {
    return left.future();
  }

  @Override
  public Future<?> start() {
    FileStateStore store = new FileStateStore(vertx, config.stateDir());
    return vertx.executeBlocking(() -> new Loaded(store.load(),
        sharedMetrics == null ? new HostMetricsSource(vertx) : sharedMetrics)).map(loaded -> {
      ScriptSteps steps = new ScriptSteps(vertx, config.scriptPool().name(), config.scriptPool().threads(),
          new ScriptRunner(config.scriptsDir()), config.scriptTimeout());
      RecipeActions recipes = "generic".equals(config.identity().kind())
          ? new RecipeActions(steps, layout, config.scriptTimeout(), this::leave) : null;
      NodeActions actions = new NodeActions(loaded.state(), steps, config.allowGuest(), config.scriptTimeout(),
          recipes);
      AgentSession session = new AgentSession(vertx, config.identity(), loaded.state(), store, actions,
          loaded.metrics(), counters, LOG, 0);
      // The hubs share one TLS choice, so one client serves them all.
      HubEndpoint first = config.hubs().all().get(0);
      transport = switch (config.transport()) {
        case WS -> new WebSocketTransport(vertx, HubClients.webSocketClient(vertx, first, config.tls(), 1),
            config.hubs().cursor(0), config.token(), session, counters, LOG, config.keepAlive());
        case HTTP -> new HttpTransport(vertx, HubClients.httpClient(vertx, first, config.tls()),
            config.hubs().cursor(0), config.token(), session, counters, LOG);
      };
      LOG.info("Agent {} ({}) for {}: node {}, last command #{}, state in {}, scripts in {}",
          config.identity().name(), config.identity().kind(), config.hubs().all().stream()
              .map(config.transport() == AgentConfig.TransportKind.WS
                  ? HubEndpoint::webSocketUri : HubEndpoint::httpUri)
              .collect(Collectors.joining(", ")),
          loaded.state().nodeId() == null ? "new" : loaded.state().nodeId(), loaded.state().lastCommandSeq(),
          config.stateDir().toAbsolutePath(), config.scriptsDir().toAbsolutePath());
      transport.start();
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    if (!leaving) {
      return transport.stop();
    }
    // The state goes last, after the goodbye: a restart must not bring the node back.
    return transport.stop(LEFT_REASON)
        .transform(stopped -> vertx.executeBlocking(() -> {
          NodeLayout.deleteTree(layout.stateDir());
          return null;
        }))
        .onFailure(notRemoved -> LOG.error("Node {} left but its state directory {} could not be removed",
            layout.nodeName(), layout.stateDir(), notRemoved));
  }

  /** The hub has the result of {@code leave}: the node's directories go, then the agent itself. */
  private void leave() {
    if (leaving) {
      return;
    }
    leaving = true;
    LOG.info("Node {} leaves its topology: removing {} and stopping", layout.nodeName(), layout.stateDir());
    vertx.executeBlocking(() -> {
      NodeLayout.deleteTree(layout.nodeDir());
      NodeLayout.deleteTree(layout.recipesDir());
      return null;
    }).onComplete(removed -> {
      if (removed.failed()) {
        LOG.error("Node {}: could not remove its node directory or recipes", layout.nodeName(), removed.cause());
      }
      vertx.undeploy(deploymentID()).onComplete(undeployed -> left.tryComplete());
    });
  }

  private record Loaded(AgentState state, MetricsSource metrics) {
  }
}
