package io.rainhub.api;

import io.rainhub.metrics.HubMetrics;
import io.vertx.core.eventbus.EventBus;
import io.vertx.ext.web.Router;

/**
 * Login, the caller's identity, and the admin routes for tenants, users and agent tokens. Login
 * stays open where it is mounted because none of the people's prefixes covers /auth/login.
 */
final class IdentityRoutes implements ApiArea {

  private final IdentityHandlers identity;

  IdentityRoutes(EventBus bus, Tokens tokens, HubMetrics metrics) {
    this.identity = new IdentityHandlers(bus, tokens, metrics);
  }

  @Override
  public void mount(Router router) {
    var adminOnly = Roles.require(Roles.ADMIN);
    router.post("/auth/login").consumes(JSON).handler(identity::login);
    router.get("/v1.0/whoami").handler(identity::whoami);
    router.post("/v1.0/tenants").consumes(JSON).handler(adminOnly).handler(identity::createTenant);
    router.get("/v1.0/tenants").handler(adminOnly).handler(identity::listTenants);
    router.post("/v1.0/users").consumes(JSON).handler(adminOnly).handler(identity::createUser);
    router.get("/v1.0/users").handler(adminOnly).handler(identity::listUsers);
    router.post("/v1.0/agent-tokens").consumes(JSON).handler(adminOnly).handler(identity::createAgentToken);
    router.get("/v1.0/agent-tokens").handler(adminOnly).handler(identity::listAgentTokens);
    router.delete("/v1.0/agent-tokens/:id").handler(adminOnly).handler(identity::revokeAgentToken);
  }
}
