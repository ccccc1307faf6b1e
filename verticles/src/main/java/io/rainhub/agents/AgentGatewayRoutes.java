package io.rainhub.agents;

import io.rainhub.api.ApiArea;
import io.rainhub.metrics.HubMetrics;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.Router;

/**
 * Where agents come in: the WebSocket and the HTTP fallback under /agents/. They are not behind the
 * people's token check; the gateway checks the agent's own token on every request first.
 */
public final class AgentGatewayRoutes implements ApiArea {

  private final AgentGateway gateway;

  /** With {@code clientCertificateRequired}, agents must also present a certificate the hub's agent CA signed. */
  public AgentGatewayRoutes(Vertx vertx, JWTAuth jwt, HubMetrics metrics, boolean clientCertificateRequired) {
    this.gateway = new AgentGateway(vertx, jwt, metrics, clientCertificateRequired);
  }

  @Override
  public void mount(Router router) {
    router.route("/agents/*").handler(gateway::authenticate);
    router.get("/agents/ws").handler(gateway::webSocket);
    router.post("/agents/http/hello").handler(JSON_BODY).handler(gateway::httpHello);
    router.post("/agents/http/heartbeat").handler(JSON_BODY).handler(gateway::httpHeartbeat);
    router.post("/agents/http/frames").handler(JSON_BODY).handler(gateway::httpFrames);
    router.get("/agents/http/commands").handler(gateway::httpCommands);
  }
}
