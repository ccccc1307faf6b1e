package io.rainhub.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id, reused from {@code X-Request-Id} when the caller sent a sane one,
 * returned in the response and in every problem body so a client's report finds the hub's log line.
 */
final class RequestIds implements Handler<RoutingContext> {

  static final String HEADER = "X-Request-Id";
  private static final String KEY = "requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  @Override
  public void handle(RoutingContext ctx) {
    String offered = ctx.request().getHeader(HEADER);
    String id = offered != null && SANE.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /** An id for a request no route saw (the codec refused it). */
  static String newId() {
    return UUID.randomUUID().toString();
  }

  /** The request's id; requests that failed before this handler ran get one now. */
  static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    if (id == null) {
      id = UUID.randomUUID().toString();
      ctx.put(KEY, id);
    }
    return id;
  }
}
