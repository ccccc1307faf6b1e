package io.rainhub.model;

import io.vertx.core.json.JsonObject;

/**
 * Nodes of one component that share a role: the component's own ({@link #DEFAULT_ROLE}, named
 * after the component) or a submodule's. {@code settings} are already merged (recipe defaults,
 * then the component's, then the submodule's); {@code flavor} and {@code antiAffinityGroup} may be
 * null (absent).
 */
public record NodeGroup(String role, String name, int size, String flavor, String antiAffinityGroup,
    JsonObject settings) {

  public static final String DEFAULT_ROLE = "default";

  public NodeGroup {
    settings = settings == null ? new JsonObject() : settings.copy();
  }

  @Override
  public JsonObject settings() {
    return settings.copy();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("role", role).put("name", name).put("size", size);
    ModelJson.putIfNotNull(json, "flavor", flavor);
    ModelJson.putIfNotNull(json, "anti_affinity_group", antiAffinityGroup);
    return json.put("settings", settings.copy());
  }

  public static NodeGroup fromJson(JsonObject json) {
    return new NodeGroup(json.getString("role"), json.getString("name"), json.getInteger("size"),
        json.getString("flavor"), json.getString("anti_affinity_group"), json.getJsonObject("settings"));
  }
}
