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
import java.util.List;
import java.util.regex.Pattern;

/** How handlers answer: JSON bodies, and bus requests whose reply becomes the response. */
public final class Replies {

  /**
   * Verticles answer in milliseconds; a request still unanswered after 10 s went to a hub that
   * died (its registration outlives it briefly in a cluster), so the client gets 503 and retries.
   */
  public static final DeliveryOptions BUS_OPTIONS = new DeliveryOptions().setSendTimeout(10_000);

  /** A client's own key for a request it may retry (the IETF httpapi Idempotency-Key draft). */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final Pattern SANE_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

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

  /**
   * The hypervisor's reply to {@code body}. A mutating request is applied once per id: the
   * caller's {@code Idempotency-Key} (scoped to the caller, so two users' keys never meet), else the
   * request's {@code X-Request-Id}; a repeat gets the first answer.
   */
  public static <T> Future<Message<T>> askHypervisor(RoutingContext ctx, String address, JsonObject body) {
    String requestId = ctx.request().method() == HttpMethod.GET ? null : onceKey(ctx);
    return LeaderRequests.request(ctx.vertx(), address, body, requestId);
  }

  private static String onceKey(RoutingContext ctx) {
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    if (key == null) {
      return RequestIds.of(ctx);
    }
    if (!SANE_KEY.matcher(key).matches()) {
      throw new ProblemException(new Problem(400, "Invalid Idempotency-Key", "The Idempotency-Key header must be"
          + " 1-64 of A-Z a-z 0-9 . _ : - (one key per distinct request, reused only to retry it).",
          List.of(new Problem.InvalidParam(IDEMPOTENCY_KEY, "must be 1-64 of A-Z a-z 0-9 . _ : -"))));
    }
    String caller = ctx.user() == null ? "anonymous" : ctx.user().principal().getString("username", "anonymous");
    return "key:" + caller + ":" + key;
  }

  private static void respond(RoutingContext ctx, int status, Message<?> reply) {
    Buffer json = reply.body() instanceof Buffer encoded ? encoded : ((JsonObject) reply.body()).toBuffer();
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json);
  }
}
