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

  /** Checks for an object that arrived some other way (an agent's frame body). */
  public static JsonInput of(JsonObject object) {
    return new JsonInput(object);
  }

  /** The request body as a JSON object, or a 400 problem when it is missing, malformed or not an object. */
  public static JsonInput of(RoutingContext ctx) {
    return of(ctx, false);
  }

  /** As {@link #of(RoutingContext)}; with {@code optional}, an empty body reads as {@code {}}. */
  public static JsonInput of(RoutingContext ctx, boolean optional) {
    String text = ctx.body().asString();
    if (text == null || text.isBlank()) {
      if (optional) {
        return new JsonInput(new JsonObject());
      }
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

  /** An optional string; when present it must match {@code pattern}. */
  public JsonInput optionalString(String field, Pattern pattern, String rule) {
    return body.getValue(field) == null ? this : requireString(field, pattern, rule);
  }

  /** An optional whole number within [min, max]. */
  public JsonInput optionalInt(String field, long min, long max) {
    Object value = body.getValue(field);
    if (value != null) {
      checkNumber(field, value, min, max, true);
    }
    return this;
  }

  /** A required boolean. */
  public JsonInput requireBoolean(String field) {
    Object value = body.getValue(field);
    if (value == null) {
      fault(field, "is required");
    } else if (!(value instanceof Boolean)) {
      fault(field, "must be true or false");
    }
    return this;
  }

  /**
   * A required object of numbers: each listed member within [min, max], whole numbers where
   * {@code wholeMembers} says so; nothing else allowed.
   */
  public JsonInput requireNumbers(String field, double min, double max, List<String> members, List<String> wholeMembers) {
    Object value = body.getValue(field);
    if (value == null) {
      fault(field, "is required");
      return this;
    }
    if (!(value instanceof JsonObject object)) {
      fault(field, "must be an object with " + String.join(", ", members));
      return this;
    }
    for (String member : members) {
      Object number = object.getValue(member);
      if (number == null) {
        fault(field + "." + member, "is required");
      } else {
        checkNumber(field + "." + member, number, min, max, wholeMembers.contains(member));
      }
    }
    for (String name : object.fieldNames()) {
      if (!members.contains(name)) {
        fault(field + "." + name, "is not a known field (expected one of " + String.join(", ", members) + ")");
      }
    }
    return this;
  }

  /** An optional object whose keys match {@code keys} and whose values are strings. */
  public JsonInput optionalStringMap(String field, Pattern keys, Pattern values) {
    Object value = body.getValue(field);
    if (value == null) {
      return this;
    }
    if (!(value instanceof JsonObject object)) {
      fault(field, "must be an object of string values");
      return this;
    }
    for (String key : object.fieldNames()) {
      Object item = object.getValue(key);
      if (!keys.matcher(key).matches()) {
        fault(field + "." + key, "is not a valid key (" + keys.pattern() + ")");
      } else if (!(item instanceof String text) || !values.matcher(text).matches()) {
        fault(field + "." + key, "must be a string matching " + values.pattern());
      }
    }
    return this;
  }

  private void checkNumber(String field, Object value, double min, double max, boolean whole) {
    if (!(value instanceof Number number)) {
      fault(field, "must be a number");
    } else if (whole && (number instanceof Double || number instanceof Float) && number.doubleValue() % 1 != 0) {
      fault(field, "must be a whole number");
    } else if (Double.isNaN(number.doubleValue()) || number.doubleValue() < min || number.doubleValue() > max) {
      fault(field, "must be between " + format(min) + " and " + format(max));
    }
  }

  private static String format(double bound) {
    return bound == Math.rint(bound) && Math.abs(bound) < 1e15 ? Long.toString((long) bound) : Double.toString(bound);
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

  /** The body, when every check passed. A field sent as null is taken as absent, so defaults apply. */
  public JsonObject valid() {
    if (!faults.isEmpty()) {
      throw new ProblemException(new Problem(400, "Invalid request body",
          "The request body has " + faults.size() + " invalid field(s).", List.copyOf(faults)));
    }
    body.getMap().values().removeIf(java.util.Objects::isNull);
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
