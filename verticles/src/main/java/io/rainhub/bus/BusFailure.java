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

  private BusFailure() {
  }

  public static void reply(Message<?> message, int status, String detail, String field) {
    JsonObject body = new JsonObject().put("detail", detail);
    if (field != null) {
      body.put("field", field);
    }
    message.fail(status, body.encode());
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
