package io.rainhub.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Media types as RFC 9110 defines them: type and subtype are case-insensitive and parameters such
 * as {@code charset} follow a ';'. A wildcard is a pattern for Accept, never a body's type, so
 * {@code *}{@code /*} is not JSON. (Vert.x Web's {@code consumes} matches case-sensitively and
 * lets a wildcard through, so JSON routes use {@link #requireJson} instead.)
 */
public final class MediaTypes {

  private MediaTypes() {
  }

  /** The type and subtype of a Content-Type value, lower-cased, without parameters; null when absent. */
  static String essence(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }

  /** Lets a request through only with a JSON body type; else 415 naming the expected type. */
  public static void requireJson(RoutingContext ctx) {
    if (ApiArea.JSON.equals(essence(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE)))) {
      ctx.next();
    } else {
      ctx.fail(415);
    }
  }
}
