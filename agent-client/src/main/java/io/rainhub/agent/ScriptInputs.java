package io.rainhub.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A command's args as script inputs: nested objects flattened with {@code _}
 * ({@code resources.cpu} → {@code RESOURCES_CPU} once {@link ScriptRunner} upper-cases it),
 * arrays as JSON text. Names that cannot be environment variables are left out: the script still
 * finds them in the JSON file.
 */
public final class ScriptInputs {

  private ScriptInputs() {
  }

  public static Map<String, String> flatten(JsonObject args) {
    Map<String, String> inputs = new LinkedHashMap<>();
    flatten("", args, inputs);
    return inputs;
  }

  private static void flatten(String prefix, JsonObject object, Map<String, String> inputs) {
    object.forEach(entry -> {
      String name = prefix + entry.getKey();
      Object value = entry.getValue();
      if (value instanceof JsonObject nested) {
        flatten(name + "_", nested, inputs);
      } else if (value != null && ScriptRunner.usableInputName(name)) {
        inputs.put(name, value instanceof JsonArray array ? array.encode() : value.toString());
      }
    });
  }
}
