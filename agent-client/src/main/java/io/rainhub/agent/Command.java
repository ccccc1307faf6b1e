package io.rainhub.agent;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A {@code command} frame from the hub: its id, the node's command sequence (the frame's
 * {@code seq}), the action, its args and when the hub stops waiting for it.
 *
 * @param expiresAt epoch milliseconds, or null when the hub set no limit
 */
public record Command(String commandId, long seq, String action, JsonObject args, Long expiresAt) {

  /** @throws IllegalArgumentException when the frame lacks a field the protocol requires */
  public static Command fromFrame(JsonObject frame) {
    try {
      JsonObject body = frame.getJsonObject("body");
      Long seq = frame.getLong("seq");
      if (body == null || seq == null || body.getString("commandId") == null || body.getString("action") == null) {
        throw new IllegalArgumentException("a command needs seq, body.commandId and body.action");
      }
      return new Command(body.getString("commandId"), seq, body.getString("action"),
          body.getJsonObject("args", new JsonObject()), expiry(body.getValue("expiresAt")));
    } catch (ClassCastException wrongType) {
      throw new IllegalArgumentException("a command field has the wrong type: " + wrongType.getMessage());
    }
  }

  public boolean expired(long nowMillis) {
    return expiresAt != null && nowMillis > expiresAt;
  }

  /** The protocol does not fix the encoding: epoch milliseconds like {@code ts}, or an ISO-8601 instant. */
  private static Long expiry(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Number number) {
      return number.longValue();
    }
    try {
      return Instant.parse(value.toString()).toEpochMilli();
    } catch (DateTimeParseException notAnInstant) {
      throw new IllegalArgumentException("expiresAt is neither epoch milliseconds nor an ISO-8601 instant: " + value);
    }
  }
}
