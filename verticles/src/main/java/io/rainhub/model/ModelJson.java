package io.rainhub.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The few JSON conversions the model's records share. */
final class ModelJson {

  private ModelJson() {
  }

  static List<String> strings(JsonArray array) {
    return array == null ? List.of() : mapped(array, item -> (String) item);
  }

  static <T> List<T> objects(JsonArray array, Function<JsonObject, T> reader) {
    return array == null ? List.of() : mapped(array, item -> reader.apply((JsonObject) item));
  }

  static <T> JsonArray array(List<T> items, Function<T, JsonObject> writer) {
    return new JsonArray(items.stream().map(writer).toList());
  }

  static void putIfNotNull(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }

  private static <T> List<T> mapped(JsonArray array, Function<Object, T> reader) {
    List<T> out = new ArrayList<>(array.size());
    for (Object item : array) {
      out.add(reader.apply(item));
    }
    return List.copyOf(out);
  }
}
