package io.rainhub.agent;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node agent speaking docs/agent-protocol.md: deploy it to connect to the hub (it keeps
 * reconnecting until undeployed), undeploy it to stop. Its state lives in
 * {@code stateDir/state.json}; its commands run the scripts of {@code scriptsDir}.
 */
public final class RainAgent extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RainAgent.class);

  private final AgentConfig config;
  private final AgentCounters counters = new AgentCounters();
  private Transport transport;

  public RainAgent(AgentConfig config) {
    this.config = config;
  }

  public AgentCounters counters() {
    return counters;
  }

  @Override
  public Future<?> start() {
    FileStateStore store = new FileStateStore(vertx, config.stateDir());
    return vertx.executeBlocking(() -> new Loaded(store.load(), new HostMetricsSource(vertx))).map(loaded -> {
      ScriptSteps steps = new ScriptSteps(vertx, "rain-agent-scripts-" + config.identity().name(),
          new ScriptRunner(config.scriptsDir()), config.scriptTimeout());
      NodeActions actions = new NodeActions(loaded.state(), steps, config.allowGuest(), config.scriptTimeout());
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
    return transport.stop();
  }

  private record Loaded(AgentState state, HostMetricsSource metrics) {
  }
}
