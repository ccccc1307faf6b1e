package io.rainhub.hypervisor;

import io.vertx.core.json.JsonObject;

/**
 * A request the hypervisor turns down: the HTTP status the API answers with, the detail, and the
 * field at fault if one is. Thrown by a decision before it changes anything.
 */
final class Refusal extends RuntimeException {

  private final int status;
  private final String field;
  private final JsonObject extensions;

  private Refusal(int status, String detail, String field, JsonObject extensions) {
    super(detail, null, false, false);
    this.status = status;
    this.field = field;
    this.extensions = extensions;
  }

  static Refusal of(int status, String detail, String field) {
    return new Refusal(status, detail, field, null);
  }

  /** As {@link #of(int, String, String)}, with members the problem response carries as they are. */
  static Refusal of(int status, String detail, String field, JsonObject extensions) {
    return new Refusal(status, detail, field, extensions);
  }

  int status() {
    return status;
  }

  String field() {
    return field;
  }

  /** The document the API reads back as the problem's detail, field and extensions. */
  JsonObject body() {
    JsonObject body = extensions == null ? new JsonObject() : extensions.copy();
    body.put("detail", getMessage());
    if (field != null) {
      body.put("field", field);
    }
    return body;
  }
}
