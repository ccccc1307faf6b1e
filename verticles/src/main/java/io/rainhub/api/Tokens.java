package io.rainhub.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.time.Instant;
import java.util.List;

/** Issues the hub's access tokens: HS256 JWTs naming the user, tenant and roles. */
public final class Tokens {

  private final JWTAuth jwt;
  private final int ttlSeconds;

  Tokens(JWTAuth jwt, int ttlSeconds) {
    this.jwt = jwt;
    this.ttlSeconds = ttlSeconds;
  }

  /** Signs agent tokens with the hubs' shared secret, for a verticle that issues them itself (the local target). */
  public static Tokens forAgents(io.vertx.core.Vertx vertx, String secret) {
    return new Tokens(JWTAuth.create(vertx, new io.vertx.ext.auth.jwt.JWTAuthOptions()
        .addPubSecKey(new io.vertx.ext.auth.PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))), 0);
  }

  /**
   * {@code identity} as answered by the identity verticle: userId, username, tenant (its name, for
   * people), tenantId (what the hub's records are owned by), roles.
   */
  JsonObject issue(JsonObject identity) {
    Instant expiresAt = Instant.now().plusSeconds(ttlSeconds);
    JsonObject claims = new JsonObject()
        .put("sub", identity.getString("userId"))
        .put("username", identity.getString("username"))
        .put("tenant", identity.getString("tenant"))
        .put("tenantId", identity.getString("tenantId"))
        .put(Roles.CLAIM, identity.getJsonArray("roles"));
    String token = jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm("HS256")
        .setIssuer(HttpApiVerticle.ISSUER)
        .setAudience(List.of(HttpApiVerticle.AUDIENCE))
        .setExpiresInSeconds(ttlSeconds));
    return new JsonObject().put("token", token).put("tokenType", "Bearer")
        .put("expiresAt", expiresAt.toString());
  }

  /**
   * Signs an agent token for {@code record} (as answered by the identity verticle): role
   * {@code agent} only, its id as {@code jti} so the gateway can check it was not revoked.
   */
  public String issueAgent(JsonObject record) {
    long ttl = Math.max(1, Instant.parse(record.getString("expiresAt")).getEpochSecond() - Instant.now().getEpochSecond());
    JsonObject claims = new JsonObject()
        .put("sub", "agent:" + record.getString("id"))
        .put("jti", record.getString("id"))
        .put("name", record.getString("name"))
        .put(Roles.CLAIM, new io.vertx.core.json.JsonArray().add(Roles.AGENT));
    return jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm("HS256")
        .setIssuer(HttpApiVerticle.ISSUER)
        .setAudience(List.of(HttpApiVerticle.AUDIENCE))
        .setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttl)));
  }
}
