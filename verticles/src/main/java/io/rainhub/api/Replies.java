package io.rainhub.api;

import io.rainhub.bus.LeaderRequests;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** How handlers answer: JSON bodies, and bus requests whose reply becomes the response. */
public final class Replies {

  /**
   * Verticles answer in milliseconds; a request still unanswered after 10 s went to a hub that
   * died (its registration outlives it briefly in a cluster), so the client gets 503 and retries.
   */
  public static final DeliveryOptions BUS_OPTIONS = new DeliveryOptions().setSendTimeout(10_000);

  private Replies() {
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }

  /**
   * Sends {@code body} to {@code address}; the reply (a JSON object, or JSON already encoded in a
   * buffer) is the response, a failure goes to the problem responder.
   */
  public static void forward(EventBus bus, RoutingContext ctx, String address, JsonObject body, int status) {
    bus.request(address, body, BUS_OPTIONS).onSuccess(reply -> respond(ctx, status, reply)).onFailure(ctx::fail);
  }

  /**
   * As {@link #forward}, to the hypervisor on whichever hub leads: a mutating request carries the
   * request's id, so it can be sent again across a takeover without being applied twice.
   */
  public static void toHypervisor(RoutingContext ctx, String address, JsonObject body, int status) {
    askHypervisor(ctx, address, body).onSuccess(reply -> respond(ctx, status, reply)).onFailure(ctx::fail);
  }

  /** The hypervisor's reply to {@code body}, with the request's id when the request is mutating. */
  public static <T> Future<Message<T>> askHypervisor(RoutingContext ctx, String address, JsonObject body) {
    String requestId = ctx.request().method() == HttpMethod.GET ? null : RequestIds.of(ctx);
    return LeaderRequests.request(ctx.vertx(), address, body, requestId);
  }

  private static void respond(RoutingContext ctx, int status, Message<?> reply) {
    Buffer json = reply.body() instanceof Buffer encoded ? encoded : ((JsonObject) reply.body()).toBuffer();
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json);
  }
}
