package io.rainhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class CachingJwtAuthTest {

  /** A cached token stops working when it expires, exactly as an uncached one would. */
  @Test
  void aCachedTokenExpiresOnTime(Vertx vertx, VertxTestContext test) {
    JWTAuth jwt = new CachingJwtAuth(JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("a-test-secret-of-32-characters!!"))), 10);
    String token = jwt.generateToken(new JsonObject().put("sub", "u"), new JWTOptions().setExpiresInSeconds(2));
    jwt.authenticate(new TokenCredentials(token))
        .compose(first -> jwt.authenticate(new TokenCredentials(token)).map(second -> {
          test.verify(() -> assertThat(second).as("served from the cache").isSameAs(first));
          return second;
        }))
        .onComplete(test.succeeding(cached -> vertx.setTimer(3_100, t -> jwt.authenticate(new TokenCredentials(token))
            .onComplete(test.failingThenComplete()))));
  }

  @Test
  void failuresAreNotCached(Vertx vertx, VertxTestContext test) {
    JWTAuth jwt = new CachingJwtAuth(JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("a-test-secret-of-32-characters!!"))), 10);
    jwt.authenticate(new TokenCredentials("not.a.token"))
        .recover(failed -> jwt.authenticate(new TokenCredentials("not.a.token")))
        .onComplete(test.failingThenComplete());
  }
}
