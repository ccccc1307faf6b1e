package io.rainhub.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One validated component of a topology, defaults applied: {@code dependsOn} is a list,
 * {@code settings} are the recipe's defaults overlaid by the component's, and {@code groups} are
 * its node groups: first its own nodes (role {@code default}, {@code size} of them), then one per
 * submodule. {@code flavor} and {@code antiAffinityGroup} may be null (absent).
 */
public record ComponentSpec(String name, String type, String version, int size, List<String> dependsOn,
    String flavor, String antiAffinityGroup, JsonObject settings, List<ImportSpec> imports,
    List<NodeGroup> groups) {

  public ComponentSpec {
    dependsOn = List.copyOf(dependsOn);
    settings = settings == null ? new JsonObject() : settings.copy();
    imports = List.copyOf(imports);
    groups = List.copyOf(groups);
  }

  @Override
  public JsonObject settings() {
    return settings.copy();
  }

  /** The label a node of an {@code existing} topology must carry to be chosen for this component. */
  public String poolLabel() {
    return "pool=" + (flavor != null ? flavor : type);
  }

  /** Every node of the component, its own and its submodules'. */
  public int totalSize() {
    return groups.stream().mapToInt(NodeGroup::size).sum();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("type", type).put("version", version)
        .put("size", size).put("depends_on", new JsonArray(dependsOn));
    ModelJson.putIfNotNull(json, "flavor", flavor);
    ModelJson.putIfNotNull(json, "anti_affinity_group", antiAffinityGroup);
    return json.put("settings", settings.copy())
        .put("imports", ModelJson.array(imports, ImportSpec::toJson))
        .put("groups", ModelJson.array(groups, NodeGroup::toJson));
  }

  public static ComponentSpec fromJson(JsonObject json) {
    return new ComponentSpec(json.getString("name"), json.getString("type"), json.getString("version"),
        json.getInteger("size"), ModelJson.strings(json.getJsonArray("depends_on")), json.getString("flavor"),
        json.getString("anti_affinity_group"), json.getJsonObject("settings"),
        ModelJson.objects(json.getJsonArray("imports"), ImportSpec::fromJson),
        ModelJson.objects(json.getJsonArray("groups"), NodeGroup::fromJson));
  }
}
