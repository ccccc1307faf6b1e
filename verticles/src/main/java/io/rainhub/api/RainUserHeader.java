package io.rainhub.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The RAIN design's clients send their token as the value of a {@code user} header. This turns it
 * into {@code Authorization: Bearer <token>} so the standard JWT handler checks both the same way.
 * An explicit Authorization header wins.
 */
final class RainUserHeader implements Handler<RoutingContext> {

  static final String NAME = "user";

  @Override
  public void handle(RoutingContext ctx) {
    var headers = ctx.request().headers();
    String token = headers.get(NAME);
    if (token != null && !token.isBlank() && !headers.contains(HttpHeaders.AUTHORIZATION)) {
      headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token.trim());
    }
    ctx.next();
  }
}
