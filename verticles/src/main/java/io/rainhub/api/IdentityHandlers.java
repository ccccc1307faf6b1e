package io.rainhub.api;

import io.rainhub.bus.Addresses;
import io.rainhub.bus.BusFailure;
import io.rainhub.identity.Role;
import io.rainhub.metrics.HubMetrics;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/** Login, the caller's identity, and the admin routes for tenants and users. */
final class IdentityHandlers {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final String NAME_RULE =
      "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
  private static final Pattern ANY_PASSWORD = Pattern.compile("(?s).{1,1024}");
  private static final Pattern NEW_PASSWORD = Pattern.compile("(?s).{12,1024}");

  private final EventBus bus;
  private final Tokens tokens;
  private final HubMetrics metrics;

  IdentityHandlers(EventBus bus, Tokens tokens, HubMetrics metrics) {
    this.bus = bus;
    this.tokens = tokens;
    this.metrics = metrics;
  }

  /**
   * The identity verticle throttles by account and by source address; a refusal (429) or a full
   * password queue (503) comes back with {@code retryAfterSeconds}, sent on as {@code Retry-After}.
   */
  void login(RoutingContext ctx) {
    JsonObject credentials = JsonInput.of(ctx)
        .requireString("username", ANY_PASSWORD, "must be 1-1024 characters")
        .requireString("password", ANY_PASSWORD, "must be 1-1024 characters")
        .allowOnly("username", "password")
        .valid();
    SocketAddress peer = ctx.request().remoteAddress();
    credentials.put("source", peer == null || peer.hostAddress() == null ? "unknown" : peer.hostAddress());
    bus.<JsonObject>request(Addresses.IDENTITY_AUTHENTICATE, credentials, Replies.BUS_OPTIONS)
        .onSuccess(reply -> {
          metrics.login("success");
          Replies.json(ctx, 200, tokens.issue(reply.body()));
        })
        .onFailure(failure -> {
          if (failure instanceof ReplyException reply) {
            Integer retryAfter = reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
                ? BusFailure.body(reply).getInteger("retryAfterSeconds") : null;
            switch (reply.failureCode()) {
              case 401 -> metrics.login("failure");
              case 429 -> metrics.login("throttled");
              case 503 -> metrics.login(retryAfter != null ? "busy" : "unavailable");
              default -> { }
            }
            if (retryAfter != null) {
              ctx.response().putHeader(HttpHeaders.RETRY_AFTER, retryAfter.toString());
            }
          }
          ctx.fail(failure);
        });
  }

  void whoami(RoutingContext ctx) {
    JsonObject principal = ctx.user().principal();
    Replies.json(ctx, 200, new JsonObject().put("userId", principal.getString("sub"))
        .put("username", principal.getString("username")).put("tenant", principal.getString("tenant"))
        .put("tenantId", principal.getString("tenantId"))
        .put("roles", principal.getJsonArray(Roles.CLAIM)));
  }

  void createTenant(RoutingContext ctx) {
    JsonObject tenant = JsonInput.of(ctx).requireString("name", NAME, NAME_RULE).allowOnly("name").valid();
    Replies.forward(bus, ctx, Addresses.IDENTITY_TENANT_CREATE, Callers.of(ctx).into(tenant), 201);
  }

  void listTenants(RoutingContext ctx) {
    Replies.forward(bus, ctx, Addresses.IDENTITY_TENANT_LIST, Callers.of(ctx).into(new JsonObject()), 200);
  }

  void createUser(RoutingContext ctx) {
    JsonObject user = JsonInput.of(ctx)
        .requireString("username", NAME, NAME_RULE)
        .requireString("password", NEW_PASSWORD, "must be 12-1024 characters")
        .requireString("tenant", NAME, NAME_RULE)
        .requireStringArray("roles", role -> Role.parse(role).isPresent(), "must be 'admin' or 'user'")
        .allowOnly("username", "password", "tenant", "roles")
        .valid();
    Replies.forward(bus, ctx, Addresses.IDENTITY_USER_CREATE, Callers.of(ctx).into(user), 201);
  }

  void createAgentToken(RoutingContext ctx) {
    JsonObject request = JsonInput.of(ctx)
        .requireString("name", NAME, NAME_RULE)
        .optionalInt("ttlDays", 1, 3650)
        .allowOnly("name", "ttlDays")
        .valid();
    JsonObject record = new JsonObject().put("name", request.getString("name"))
        .put("ttlDays", request.getInteger("ttlDays", 365))
        .put("createdBy", ctx.user().principal().getString("username"));
    Callers.of(ctx).into(record);
    bus.<JsonObject>request(Addresses.IDENTITY_AGENT_TOKEN_CREATE, record, Replies.BUS_OPTIONS)
        .onSuccess(reply -> {
          JsonObject created = reply.body().copy().put("token", tokens.issueAgent(reply.body()));
          ctx.response().putHeader("Location", "/v1.0/agent-tokens/" + created.getString("id"));
          Replies.json(ctx, 201, created);
        })
        .onFailure(ctx::fail);
  }

  void listAgentTokens(RoutingContext ctx) {
    Replies.forward(bus, ctx, Addresses.IDENTITY_AGENT_TOKEN_LIST, new JsonObject(), 200);
  }

  void revokeAgentToken(RoutingContext ctx) {
    Replies.forward(bus, ctx, Addresses.IDENTITY_AGENT_TOKEN_REVOKE,
        Callers.of(ctx).into(new JsonObject().put("id", ctx.pathParam("id"))), 200);
  }

  void listUsers(RoutingContext ctx) {
    Replies.forward(bus, ctx, Addresses.IDENTITY_USER_LIST, Callers.of(ctx).into(new JsonObject()), 200);
  }


}
