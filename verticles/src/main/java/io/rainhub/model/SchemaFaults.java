package io.rainhub.model;

import io.rainhub.api.Problem.InvalidParam;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the validator's basic output into invalid-params a client can act on: one per fault, named
 * by the instance's JSON pointer, with a reason in words taken from the schema. The validator also
 * reports every enclosing keyword ({@code properties}, {@code items}, {@code $ref}…) and, for a
 * declared property that failed, a spurious {@code additionalProperties} error; those are dropped.
 */
final class SchemaFaults {

  private static final Set<String> ENCLOSING = Set.of("properties", "items", "prefixItems", "$ref", "propertyNames",
      "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "contains", "dependentSchemas");

  private final JsonObject schema;

  SchemaFaults(JsonObject schema) {
    this.schema = schema;
  }

  List<InvalidParam> of(OutputUnit result, Object instance) {
    List<OutputUnit> errors = result.getErrors() == null || result.getErrors().isEmpty()
        ? List.of(result) : result.getErrors();
    Set<InvalidParam> faults = new LinkedHashSet<>();
    for (OutputUnit error : errors) {
      String keywordLocation = error.getKeywordLocation() == null ? "#" : error.getKeywordLocation();
      List<String> keywordPath = segments(keywordLocation);
      String keyword = keywordPath.isEmpty() ? "" : keywordPath.get(keywordPath.size() - 1);
      String pointer = pointer(error.getInstanceLocation());
      if (ENCLOSING.contains(keyword)
          || keyword.equals("additionalProperties") && hasDeeperFault(errors, error, pointer)) {
        continue;
      }
      JsonObject node = schemaAt(keywordPath.subList(0, Math.max(0, keywordPath.size() - 1)));
      if (keyword.equals("required")) {
        missing(node, instanceAt(instance, pointer), pointer, faults);
      } else {
        faults.add(new InvalidParam(pointer, reason(keyword, node, error)));
      }
    }
    return List.copyOf(faults);
  }

  private boolean hasDeeperFault(List<OutputUnit> errors, OutputUnit self, String pointer) {
    return errors.stream().filter(e -> e != self && !ENCLOSING.contains(lastSegment(e.getKeywordLocation())))
        .map(e -> pointer(e.getInstanceLocation()))
        .anyMatch(p -> p.equals(pointer) || p.startsWith(pointer + "/"));
  }

  private static void missing(JsonObject node, Object at, String pointer, Set<InvalidParam> faults) {
    JsonArray required = node == null ? null : node.getJsonArray("required");
    if (required == null || !(at instanceof JsonObject object)) {
      faults.add(new InvalidParam(pointer, "misses a required field"));
      return;
    }
    for (Object field : required) {
      if (object.getValue((String) field) == null) {
        faults.add(new InvalidParam(pointer + "/" + escape((String) field), "is required"));
      }
    }
  }

  private static String reason(String keyword, JsonObject node, OutputUnit error) {
    if (node == null) {
      return error.getError();
    }
    return switch (keyword) {
      case "type" -> "must be " + types(node.getValue("type"));
      case "pattern" -> node.containsKey("description")
          ? "must be " + node.getString("description") : "must match " + node.getString("pattern");
      case "enum" -> "must be one of " + String.join(", ", node.getJsonArray("enum").stream().map(String::valueOf).toList());
      case "minimum", "maximum" -> bounds(node, "minimum", "maximum", "", "");
      case "minItems", "maxItems" -> node.getInteger("minItems", 0) == 1 && keyword.equals("minItems")
          ? "must not be empty" : bounds(node, "minItems", "maxItems", "have ", " item(s)");
      case "minLength", "maxLength" -> node.getInteger("minLength", 0) == 1 && keyword.equals("minLength")
          ? "must not be empty" : bounds(node, "minLength", "maxLength", "have ", " character(s)");
      case "uniqueItems" -> "must not list the same item twice";
      case "additionalProperties" -> node.getJsonObject("properties") == null
          ? "is not allowed here"
          : "is not a known field (expected one of " + String.join(", ", node.getJsonObject("properties").fieldNames()) + ")";
      default -> error.getError();
    };
  }

  private static String bounds(JsonObject node, String minKey, String maxKey, String verb, String unit) {
    Number min = node.getNumber(minKey);
    Number max = node.getNumber(maxKey);
    if (min != null && max != null) {
      return "must " + verb + (verb.isEmpty() ? "be " : "") + "between " + min + " and " + max + unit;
    }
    return min != null ? "must " + (verb.isEmpty() ? "be " : verb) + "at least " + min + unit
        : "must " + (verb.isEmpty() ? "be " : verb) + "at most " + max + unit;
  }

  private static String types(Object type) {
    List<String> names = type instanceof JsonArray array
        ? array.stream().map(String::valueOf).toList() : List.of(String.valueOf(type));
    List<String> words = names.stream().map(name -> switch (name) {
      case "integer" -> "a whole number";
      case "number" -> "a number";
      case "boolean" -> "true or false";
      case "object" -> "an object";
      case "array" -> "an array";
      case "null" -> "null";
      default -> "a " + name;
    }).toList();
    if (words.size() == 1) {
      return words.get(0);
    }
    return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
  }

  /** The schema object holding a keyword, following {@code $ref}s into {@code $defs} as the location does. */
  private JsonObject schemaAt(List<String> path) {
    Object node = schema;
    for (String segment : path) {
      if (!(node instanceof JsonObject object)) {
        return null;
      }
      node = segment.equals("$ref") ? local(object.getString("$ref")) : object.getValue(segment);
    }
    return node instanceof JsonObject object ? object : null;
  }

  private Object local(String ref) {
    if (ref == null || !ref.startsWith("#")) {
      return null;
    }
    Object node = schema;
    for (String segment : segments(ref)) {
      node = node instanceof JsonObject object ? object.getValue(segment) : null;
    }
    return node;
  }

  private static Object instanceAt(Object instance, String pointer) {
    Object node = instance;
    for (String segment : segments("#" + pointer)) {
      if (node instanceof JsonObject object) {
        node = object.getValue(segment);
      } else if (node instanceof JsonArray array && segment.matches("\\d+") && Integer.parseInt(segment) < array.size()) {
        node = array.getValue(Integer.parseInt(segment));
      } else {
        return null;
      }
    }
    return node;
  }

  /** {@code #/components/1/settings/b%20c} → {@code /components/1/settings/b c} (a JSON pointer). */
  static String pointer(String instanceLocation) {
    if (instanceLocation == null || instanceLocation.equals("#")) {
      return "";
    }
    String location = instanceLocation.startsWith("#") ? instanceLocation.substring(1) : instanceLocation;
    return percentDecode(location);
  }

  private static String lastSegment(String location) {
    List<String> path = segments(location == null ? "#" : location);
    return path.isEmpty() ? "" : path.get(path.size() - 1);
  }

  /** The unescaped segments of a {@code #/a/b} location. */
  private static List<String> segments(String location) {
    String pointer = pointer(location);
    List<String> out = new ArrayList<>();
    if (pointer.isEmpty()) {
      return out;
    }
    for (String segment : pointer.substring(1).split("/", -1)) {
      out.add(segment.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }

  // Not URLDecoder: a '+' in a key is a plus, not a space.
  private static String percentDecode(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' && isHex(text, i + 1) && isHex(text, i + 2)) {
        bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(String text, int at) {
    return at < text.length() && Character.digit(text.charAt(at), 16) >= 0;
  }
}
