package io.rainhub.bus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;

/**
 * Requests to the hypervisor, which runs on whichever hub holds the database lease. A request that
 * cannot have been applied (no leader registered yet, or a deposed one that refused it) is sent
 * again, with a short backoff, until the deadline; so is one that went unanswered if it carries a
 * request id (header {@value #REQUEST_ID}), because the leader answers a repeat with its first
 * answer instead of applying it twice. So a takeover delays requests by about the takeover time instead of failing them.
 */
public final class LeaderRequests {

  /** The message header with the id of the API request a mutating message comes from. */
  public static final String REQUEST_ID = "requestId";

  /** The request-reply timeout of a request without an id, which must not be repeated blindly. */
  public static final long SINGLE_TIMEOUT_MILLIS = 10_000;
  /** Per attempt, for requests with an id: a dead leader's address is given up on quickly. */
  private static final long ATTEMPT_TIMEOUT_MILLIS = 3_000;
  private static final long DEADLINE_MILLIS = 15_000;
  private static final long MAX_BACKOFF_MILLIS = 500;

  private LeaderRequests() {
  }

  /** A request without an id: repeated only when it cannot have been applied. */
  public static <T> Future<Message<T>> request(Vertx vertx, String address, Object body) {
    return request(vertx, address, body, null);
  }

  /** A request with the id of the API request it comes from (null for none). */
  public static <T> Future<Message<T>> request(Vertx vertx, String address, Object body, String requestId) {
    boolean repeatable = requestId != null;
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(repeatable ? ATTEMPT_TIMEOUT_MILLIS : SINGLE_TIMEOUT_MILLIS);
    if (repeatable) {
      options.addHeader(REQUEST_ID, requestId);
    }
    Promise<Message<T>> answered = Promise.promise();
    attempt(vertx, address, body, options, System.nanoTime() + DEADLINE_MILLIS * 1_000_000, 0, answered);
    return answered.future();
  }

  private static <T> void attempt(Vertx vertx, String address, Object body, DeliveryOptions options, long deadline,
      int attempt, Promise<Message<T>> answered) {
    boolean repeatable = options.getHeaders() != null && options.getHeaders().contains(REQUEST_ID);
    vertx.eventBus().<T>request(address, body, options).onComplete(result -> {
      if (result.succeeded()) {
        answered.complete(result.result());
        return;
      }
      long backoff = Math.min(MAX_BACKOFF_MILLIS, 25L << Math.min(attempt, 5));
      if (!worthRepeating(result.cause(), repeatable) || System.nanoTime() + backoff * 1_000_000 > deadline) {
        answered.fail(result.cause());
        return;
      }
      vertx.setTimer(backoff, tick -> attempt(vertx, address, body, options, deadline, attempt + 1, answered));
    });
  }

  private static boolean worthRepeating(Throwable failure, boolean repeatable) {
    if (!(failure instanceof ReplyException reply)) {
      return false;
    }
    return switch (reply.failureType()) {
      case NO_HANDLERS -> true;
      case TIMEOUT -> repeatable;
      case RECIPIENT_FAILURE -> BusFailure.isNotApplied(reply);
      default -> false;
    };
  }
}
