package io.rainhub.api;

import io.rainhub.bus.Caller;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The person behind a request, from their verified token: what the API passes to the verticles
 * that decide (see {@link Caller}), and the admin check for routes that change infrastructure.
 */
public final class Callers {

  private Callers() {
  }

  /** The caller of a request that passed the people's token check. */
  public static Caller of(RoutingContext ctx) {
    JsonObject principal = ctx.user().principal();
    String tenantId = principal.getString("tenantId");
    if (tenantId == null) {
      // Tokens issued before tenancy name no tenant id; guessing one could cross tenants.
      throw new ProblemException(new Problem(401, "Unauthorized",
          "This token names no tenant id (it was issued by an older hub); log in again at POST /auth/login."));
    }
    return new Caller(principal.getString("username"), tenantId, isAdmin(ctx));
  }

  public static boolean isAdmin(RoutingContext ctx) {
    JsonArray roles = ctx.user().principal().getJsonArray(Roles.CLAIM, new JsonArray());
    return roles.contains(Roles.ADMIN);
  }

  /**
   * Lets only admins through: infrastructure (nodes, agents and their tokens, tenants, users) is
   * changed by admins and read by everyone. The 403 says so, rather than the generic role refusal.
   */
  public static void adminOnly(RoutingContext ctx) {
    if (isAdmin(ctx)) {
      ctx.next();
      return;
    }
    ctx.fail(new ProblemException(new Problem(403, "Forbidden",
        "Only admins may " + ctx.request().method() + " " + ctx.request().path()
            + ": infrastructure (motherships, rain servers, agents and their tokens, tenants, users) is changed"
            + " by admins; users may read it.",
        List.of(new Problem.InvalidParam("roles", "must include admin")))));
  }
}
