package io.rainhub.api;

import io.rainhub.metrics.HubMetrics;
import io.vertx.core.eventbus.EventBus;
import io.vertx.ext.web.Router;

/**
 * Login, the caller's identity, tenants, users and agent tokens: admins change them, users read
 * them (their own tenant and its users; agent token records carry no secret). Login stays open
 * where it is mounted because none of the people's prefixes covers /auth/login.
 */
final class IdentityRoutes implements ApiArea {

  private final IdentityHandlers identity;

  IdentityRoutes(EventBus bus, Tokens tokens, HubMetrics metrics) {
    this.identity = new IdentityHandlers(bus, tokens, metrics);
  }

  @Override
  public void mount(Router router) {
    router.post("/auth/login").handler(JSON_BODY).handler(identity::login);
    router.get("/v1.0/whoami").handler(identity::whoami);
    router.post("/v1.0/tenants").handler(JSON_BODY).handler(Callers::adminOnly).handler(identity::createTenant);
    router.get("/v1.0/tenants").handler(identity::listTenants);
    router.post("/v1.0/users").handler(JSON_BODY).handler(Callers::adminOnly).handler(identity::createUser);
    router.get("/v1.0/users").handler(identity::listUsers);
    router.post("/v1.0/agent-tokens").handler(JSON_BODY).handler(Callers::adminOnly).handler(identity::createAgentToken);
    router.get("/v1.0/agent-tokens").handler(identity::listAgentTokens);
    router.delete("/v1.0/agent-tokens/:id").handler(Callers::adminOnly).handler(identity::revokeAgentToken);
  }
}
