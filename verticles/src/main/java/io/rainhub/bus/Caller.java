package io.rainhub.bus;

import io.vertx.core.json.JsonObject;

/**
 * Who asked, as the API tells the verticle that decides: a person's username, their tenant's id
 * and whether they are an admin. It travels as the member {@value #FIELD} of a request body,
 * {@code {"user": "bob", "tenantId": "<uuid>", "admin": false}}; the API always sets it from the
 * verified token, so a client cannot choose it. A body without it comes from the hub itself (its
 * timers, the agent gateway) and is not restricted to a tenant.
 */
public record Caller(String user, String tenantId, boolean admin) {

  public static final String FIELD = "caller";
  /** The actor of what the hub decides on its own (expiries, liveness, takeover). */
  public static final String HUB_ACTOR = io.rainhub.store.EventLog.HUB_ACTOR;
  /** The member the agent gateway sets to the agent token's name on everything an agent sends. */
  public static final String AGENT_FIELD = "agent";

  /** The hub itself: sees and may change everything. */
  public static final Caller HUB = new Caller(null, null, true);

  /** The caller a request body names, or {@link #HUB} when it names none. */
  public static Caller of(JsonObject body) {
    JsonObject caller = body == null ? null : body.getJsonObject(FIELD);
    if (caller == null) {
      return HUB;
    }
    return new Caller(caller.getString("user"), caller.getString("tenantId"), caller.getBoolean("admin", false));
  }

  public JsonObject toJson() {
    return new JsonObject().put("user", user).put("tenantId", tenantId).put("admin", admin);
  }

  /** {@code body} with this caller in it (the same object, for chaining). */
  public JsonObject into(JsonObject body) {
    return body.put(FIELD, toJson());
  }

  /** What the event log records as the actor: {@code user:<username>}, or {@code hub}. */
  public String actor() {
    return user == null ? HUB_ACTOR : "user:" + user;
  }

  /**
   * Whether this caller may see and change what {@code ownerTenantId} owns. Admins act across
   * tenants (an operator expects the admins of 'system' to see everything); a user only within
   * their own, and never on what has no owner.
   */
  public boolean mayAct(String ownerTenantId) {
    return admin || tenantId != null && tenantId.equals(ownerTenantId);
  }

  /** The actor of a request body: a person, an agent (named by the gateway) or the hub. */
  public static String actorOf(JsonObject body) {
    if (body != null && body.getJsonObject(FIELD) != null) {
      return of(body).actor();
    }
    String agent = body == null ? null : body.getString(AGENT_FIELD);
    return agent == null ? HUB_ACTOR : "agent:" + agent;
  }
}
