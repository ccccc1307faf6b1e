package io.rainhub.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.time.Instant;
import java.util.List;

/** Issues the hub's access tokens: HS256 JWTs naming the user, tenant and roles. */
final class Tokens {

  private final JWTAuth jwt;
  private final int ttlSeconds;

  Tokens(JWTAuth jwt, int ttlSeconds) {
    this.jwt = jwt;
    this.ttlSeconds = ttlSeconds;
  }

  /** {@code identity} as answered by the identity verticle: userId, username, tenant, roles. */
  JsonObject issue(JsonObject identity) {
    Instant expiresAt = Instant.now().plusSeconds(ttlSeconds);
    JsonObject claims = new JsonObject()
        .put("sub", identity.getString("userId"))
        .put("username", identity.getString("username"))
        .put("tenant", identity.getString("tenant"))
        .put(Roles.CLAIM, identity.getJsonArray("roles"));
    String token = jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm("HS256")
        .setIssuer(HttpApiVerticle.ISSUER)
        .setAudience(List.of(HttpApiVerticle.AUDIENCE))
        .setExpiresInSeconds(ttlSeconds));
    return new JsonObject().put("token", token).put("tokenType", "Bearer")
        .put("expiresAt", expiresAt.toString());
  }
}
