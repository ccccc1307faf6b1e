package io.rainhub.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A component's import of another component's exports; a required one holds the importer's start. */
public record ImportSpec(String component, List<String> vars, boolean optional) {

  public ImportSpec {
    vars = List.copyOf(vars);
  }

  public JsonObject toJson() {
    return new JsonObject().put("component", component).put("vars", new JsonArray(vars)).put("optional", optional);
  }

  public static ImportSpec fromJson(JsonObject json) {
    return new ImportSpec(json.getString("component"), ModelJson.strings(json.getJsonArray("vars")),
        json.getBoolean("optional", false));
  }
}
