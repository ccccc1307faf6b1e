package io.rainhub.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Domain failures carried over the event bus: the failure code is the HTTP status the API answers
 * with, the message a small JSON document with the detail and, where one is at fault, the field.
 */
public final class BusFailure {

  private static final String NOT_APPLIED = "notApplied";

  private BusFailure() {
  }

  public static void reply(Message<?> message, int status, String detail, String field) {
    JsonObject body = new JsonObject().put("detail", detail);
    if (field != null) {
      body.put("field", field);
    }
    message.fail(status, body.encode());
  }

  /**
   * 503 for a request certainly not applied because this hub no longer leads: the hub that sent it
   * may send it again, to the new leader.
   */
  public static void notApplied(Message<?> message, String detail) {
    message.fail(503, new JsonObject().put("detail", detail).put(NOT_APPLIED, true).encode());
  }

  /** True for a failure sent by {@link #notApplied}. */
  public static boolean isNotApplied(ReplyException failure) {
    return failure.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE
        && body(failure).getBoolean(NOT_APPLIED, false);
  }

  /** A {@link ReplyException} thrown by a verticle's own code, to pass a domain outcome up a future chain. */
  public static ReplyException of(int status, String detail, String field) {
    return of(status, detail, field, null);
  }

  /** As {@link #of(int, String, String)}, with extra members the problem response carries as they are. */
  public static ReplyException of(int status, String detail, String field, JsonObject extensions) {
    JsonObject body = extensions == null ? new JsonObject() : extensions.copy();
    body.put("detail", detail);
    if (field != null) {
      body.put("field", field);
    }
    return new ReplyException(io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE, status, body.encode());
  }

  /** Reads the body written by {@link #reply}; a plain message becomes the detail. */
  public static JsonObject body(ReplyException failure) {
    String message = failure.getMessage();
    if (message != null && message.startsWith("{")) {
      try {
        return new JsonObject(message);
      } catch (DecodeException notOurs) {
        // fall through: someone else's message
      }
    }
    return new JsonObject().put("detail", message);
  }
}
