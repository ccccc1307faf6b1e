package io.rainhub.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;

/**
 * A browser cannot set headers on a WebSocket, so the admin UI offers its token as a subprotocol:
 * {@code new WebSocket(url, ["rainhub.v1", "bearer." + token])} (docs/ui.md). This turns that into
 * {@code Authorization: Bearer <token>} for the standard JWT handler; the server answers only
 * {@value #PROTOCOL}, never echoing the token. An explicit Authorization header wins.
 */
final class SubprotocolBearer implements Handler<RoutingContext> {

  static final String PROTOCOL = "rainhub.v1";
  static final String TOKEN_PREFIX = "bearer.";
  static final String HEADER = "Sec-WebSocket-Protocol";

  @Override
  public void handle(RoutingContext ctx) {
    var headers = ctx.request().headers();
    String offered = headers.get(HEADER);
    if (offered != null && !headers.contains(HttpHeaders.AUTHORIZATION)) {
      List<String> protocols = Arrays.stream(offered.split(",")).map(String::trim).toList();
      if (protocols.contains(PROTOCOL)) {
        protocols.stream()
            .filter(p -> p.length() > TOKEN_PREFIX.length() && p.regionMatches(true, 0, TOKEN_PREFIX, 0, TOKEN_PREFIX.length()))
            .findFirst()
            .ifPresent(p -> headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + p.substring(TOKEN_PREFIX.length())));
      }
    }
    ctx.next();
  }
}
