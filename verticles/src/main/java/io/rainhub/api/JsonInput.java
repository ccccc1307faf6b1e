package io.rainhub.api;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Reads a request's JSON object and checks its fields, collecting every fault before answering
 * so a client learns all of them at once. Use {@link #valid()} last: it throws a 400 problem
 * naming the fields at fault.
 */
public final class JsonInput {

  private final JsonObject body;
  private final List<Problem.InvalidParam> faults = new ArrayList<>();

  private JsonInput(JsonObject body) {
    this.body = body;
  }

  /** The request body as a JSON object, or a 400 problem when it is missing, malformed or not an object. */
  public static JsonInput of(RoutingContext ctx) {
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) {
      throw badRequest("The request body is empty; a JSON object is expected.");
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(text);
    } catch (DecodeException e) {
      throw badRequest("The request body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (!(parsed instanceof JsonObject object)) {
      throw badRequest("The request body must be a JSON object.");
    }
    return new JsonInput(object);
  }

  /** A required string matching {@code pattern}; {@code rule} tells the client what is expected. */
  public JsonInput requireString(String field, Pattern pattern, String rule) {
    Object value = body.getValue(field);
    if (value == null) {
      fault(field, "is required");
    } else if (!(value instanceof String text)) {
      fault(field, "must be a string");
    } else if (!pattern.matcher(text).matches()) {
      fault(field, rule);
    }
    return this;
  }

  /** A required non-empty array of strings, each satisfying {@code allowed}. */
  public JsonInput requireStringArray(String field, Predicate<String> allowed, String rule) {
    Object value = body.getValue(field);
    if (value == null) {
      fault(field, "is required");
    } else if (!(value instanceof JsonArray array)) {
      fault(field, "must be an array of strings");
    } else if (array.isEmpty()) {
      fault(field, "must not be empty");
    } else {
      for (int i = 0; i < array.size(); i++) {
        Object item = array.getValue(i);
        if (!(item instanceof String text) || !allowed.test(text)) {
          fault(field + "[" + i + "]", rule);
        }
      }
    }
    return this;
  }

  /** Only these fields may appear: a misspelt optional field should not be silently ignored. */
  public JsonInput allowOnly(String... fields) {
    List<String> known = List.of(fields);
    for (String name : body.fieldNames()) {
      if (!known.contains(name)) {
        fault(name, "is not a known field (expected one of " + String.join(", ", known) + ")");
      }
    }
    return this;
  }

  /** The body, when every check passed. */
  public JsonObject valid() {
    if (!faults.isEmpty()) {
      throw new ProblemException(new Problem(400, "Invalid request body",
          "The request body has " + faults.size() + " invalid field(s).", List.copyOf(faults)));
    }
    return body;
  }

  private void fault(String field, String reason) {
    faults.add(new Problem.InvalidParam(field, reason));
  }

  private static ProblemException badRequest(String detail) {
    return new ProblemException(new Problem(400, "Malformed request body", detail));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
