package io.rainhub.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers tokens that verified, until they expire, so a client sending the same token on every
 * request pays for the signature check once. Only successes are kept; a bounded LRU. One per HTTP
 * verticle instance, used from its event loop only.
 */
final class CachingJwtAuth implements JWTAuth {

  private final JWTAuth delegate;
  private final Map<String, User> verified;

  CachingJwtAuth(JWTAuth delegate, int maxEntries) {
    this.delegate = delegate;
    this.verified = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, User> eldest) {
        return size() > maxEntries;
      }
    };
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials token)) {
      return delegate.authenticate(credentials);
    }
    User known = verified.get(token.getToken());
    if (known != null) {
      if (!known.expired()) {
        return Future.succeededFuture(known);
      }
      verified.remove(token.getToken());
    }
    return delegate.authenticate(credentials).onSuccess(user -> verified.put(token.getToken(), user));
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    return delegate.generateToken(claims, options);
  }

  @Override
  public String generateToken(JsonObject claims) {
    return delegate.generateToken(claims);
  }
}
