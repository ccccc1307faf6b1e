package io.rainhub.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An RFC 9457 problem: what every error response of the hub looks like. {@code invalidParams}
 * names the fields at fault, as in the RFC's own example; {@code extensions} are further members
 * (e.g. why a placement was refused).
 */
public record Problem(int status, String title, String detail, List<InvalidParam> invalidParams,
    JsonObject extensions) {

  public static final String CONTENT_TYPE = "application/problem+json";

  /** One field at fault and why. {@code name} is a JSON pointer-ish path such as {@code roles[1]}. */
  public record InvalidParam(String name, String reason) {
    JsonObject toJson() {
      return new JsonObject().put("name", name).put("reason", reason);
    }
  }

  public Problem(int status, String title, String detail) {
    this(status, title, detail, List.of(), new JsonObject());
  }

  public Problem(int status, String title, String detail, List<InvalidParam> invalidParams) {
    this(status, title, detail, invalidParams, new JsonObject());
  }

  public JsonObject toJson(String requestId) {
    // Extension members first, so they can never overwrite the standard ones.
    JsonObject json = extensions.copy()
        .put("type", "about:blank")
        .put("title", title)
        .put("status", status)
        .put("detail", detail)
        .put("requestId", requestId);
    if (!invalidParams.isEmpty()) {
      json.put("invalid-params", new JsonArray(invalidParams.stream().map(InvalidParam::toJson).toList()));
    }
    return json;
  }
}
