package io.rainhub.model;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Reads and checks one {@code <type>/<version>/} directory; every refusal names the file and field. */
final class RecipeReader {

  private static final List<String> FIELDS = List.of("type", "version", "description", "exports", "settings", "stages");
  private static final List<String> POLICY_FIELDS = List.of("timeoutMs", "retries", "backoffMs");
  // Export and setting names become parts of environment variable names (RAIN_IMPORT_…, RAIN_SETTING_…).
  private static final Pattern EXPORT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
  private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

  private final Path file;

  private RecipeReader(Path file) {
    this.file = file;
  }

  static Recipe read(Path versionDir) {
    return new RecipeReader(versionDir.resolve(Recipe.RECIPE_FILE)).read(
        versionDir.getParent().getFileName().toString(), versionDir.getFileName().toString());
  }

  private Recipe read(String dirType, String dirVersion) {
    if (!Files.isRegularFile(file)) {
      throw refuse("is missing");
    }
    Map<String, String> files = new TreeMap<>();
    String text = text(file);
    files.put(Recipe.RECIPE_FILE, text);
    for (String stage : Recipe.STAGES) {
      Path script = file.resolveSibling(Recipe.scriptOf(stage));
      if (Files.isRegularFile(script)) {
        files.put(Recipe.scriptOf(stage), text(script));
      }
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw refuse("is not a JSON object: " + firstLine(e.getMessage()));
    }
    for (String name : json.fieldNames()) {
      if (!FIELDS.contains(name)) {
        throw refuse("field " + name + " is not known (expected " + String.join(", ", FIELDS) + ")");
      }
    }
    String type = requireString(json, "type");
    String version = requireString(json, "version");
    if (!type.equals(dirType)) {
      throw refuse("field type is \"" + type + "\" but its directory says \"" + dirType + "\"");
    }
    if (!version.equals(dirVersion)) {
      throw refuse("field version is \"" + version + "\" but its directory says \"" + dirVersion + "\"");
    }
    Object description = json.getValue("description");
    if (description != null && !(description instanceof String)) {
      throw refuse("field description must be a string");
    }
    JsonObject exports = scalars(json, "exports", EXPORT_NAME, true);
    JsonObject settings = scalars(json, "settings", SETTING_NAME, false);
    return new Recipe(type, version, (String) description, exports, settings, stages(json), files,
        Recipe.digestOf(files));
  }

  private String requireString(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof String value) || value.isBlank()) {
      throw refuse("field " + field + " must be a non-empty string");
    }
    return value;
  }

  /** An optional object of string, number or boolean values ({@code null} too, for exports a script publishes). */
  private JsonObject scalars(JsonObject json, String field, Pattern names, boolean nullAllowed) {
    Object value = json.getValue(field);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject object)) {
      throw refuse("field " + field + " must be an object");
    }
    for (String name : object.fieldNames()) {
      Object item = object.getValue(name);
      if (!names.matcher(name).matches()) {
        throw refuse("field " + field + "." + name + ": the name must match " + names.pattern());
      }
      boolean scalar = item instanceof String || item instanceof Number || item instanceof Boolean;
      if (!scalar && !(item == null && nullAllowed)) {
        throw refuse("field " + field + "." + name + " must be a string, number or boolean"
            + (nullAllowed ? " (or null)" : ""));
      }
    }
    return object;
  }

  private Map<String, StagePolicy> stages(JsonObject json) {
    Object value = json.getValue("stages");
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof JsonObject object)) {
      throw refuse("field stages must be an object");
    }
    for (String stage : object.fieldNames()) {
      if (!stage.equals(Recipe.DEFAULT_STAGE) && !Recipe.STAGES.contains(stage)) {
        throw refuse("field stages." + stage + " is not a stage (expected default or "
            + String.join(", ", Recipe.STAGES) + ")");
      }
    }
    StagePolicy fallback = policy(object, Recipe.DEFAULT_STAGE, StagePolicy.BUILT_IN);
    Map<String, StagePolicy> out = new HashMap<>();
    for (String stage : object.fieldNames()) {
      out.put(stage, stage.equals(Recipe.DEFAULT_STAGE) ? fallback : policy(object, stage, fallback));
    }
    return out;
  }

  /** One stage's policy, each field it leaves out taken from {@code fallback}. */
  private StagePolicy policy(JsonObject stages, String stage, StagePolicy fallback) {
    Object value = stages.getValue(stage);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof JsonObject policy)) {
      throw refuse("field stages." + stage + " must be an object of " + String.join(", ", POLICY_FIELDS));
    }
    for (String name : policy.fieldNames()) {
      if (!POLICY_FIELDS.contains(name)) {
        throw refuse("field stages." + stage + "." + name + " is not known (expected "
            + String.join(", ", POLICY_FIELDS) + ")");
      }
    }
    long timeoutMs = whole(policy, stage, "timeoutMs", 1, fallback.timeoutMs());
    long retries = whole(policy, stage, "retries", 0, fallback.retries());
    long backoffMs = whole(policy, stage, "backoffMs", 0, fallback.backoffMs());
    if (retries > Integer.MAX_VALUE) {
      throw refuse("field stages." + stage + ".retries is too large");
    }
    return new StagePolicy(timeoutMs, (int) retries, backoffMs);
  }

  private long whole(JsonObject policy, String stage, String field, long min, long fallback) {
    Object value = policy.getValue(field);
    if (value == null) {
      return fallback;
    }
    String where = "field stages." + stage + "." + field;
    if (!(value instanceof Number number) || number.doubleValue() % 1 != 0) {
      throw refuse(where + " must be a whole number");
    }
    if (number.doubleValue() < min) {
      throw refuse(where + " must be " + (min > 0 ? "positive" : "zero or more") + ", not " + value);
    }
    return number.longValue();
  }

  private IllegalArgumentException refuse(String what) {
    return new IllegalArgumentException("recipe " + file + ": " + what);
  }

  private String text(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read recipe file " + path, e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
