package io.rainhub.model;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated topology document with its defaults applied (see {@link TopologyValidator}). Its
 * JSON is the form the engine stores: the document's field names, every default written out and
 * submodules as {@code groups}.
 */
public record Topology(String name, String availabilityZone, String target, List<ComponentSpec> components) {

  public static final String TARGET_LOCAL = "local";
  public static final String TARGET_EXISTING = "existing";

  public Topology {
    components = List.copyOf(components);
  }

  public Optional<ComponentSpec> component(String componentName) {
    return components.stream().filter(c -> c.name().equals(componentName)).findFirst();
  }

  /**
   * Components with every dependency before its dependants; among those free to go, document
   * order. The validator refused cycles, so every component is listed.
   */
  public List<ComponentSpec> topologicalOrder() {
    Map<String, ComponentSpec> pending = new LinkedHashMap<>();
    components.forEach(c -> pending.put(c.name(), c));
    List<ComponentSpec> order = new ArrayList<>(components.size());
    while (!pending.isEmpty()) {
      ComponentSpec ready = pending.values().stream()
          .filter(c -> c.dependsOn().stream().noneMatch(pending::containsKey))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("depends_on has a cycle among " + pending.keySet()));
      order.add(ready);
      pending.remove(ready.name());
    }
    return List.copyOf(order);
  }

  /** The components that name {@code componentName} in their {@code depends_on}, in document order. */
  public List<ComponentSpec> dependantsOf(String componentName) {
    return components.stream().filter(c -> c.dependsOn().contains(componentName)).toList();
  }

  /** This topology with {@code changes} merged over one component's settings and its groups'. */
  public Topology withSettings(String componentName, JsonObject changes) {
    return new Topology(name, availabilityZone, target, components.stream().map(c -> !c.name().equals(componentName) ? c
        : new ComponentSpec(c.name(), c.type(), c.version(), c.size(), c.dependsOn(), c.flavor(), c.antiAffinityGroup(),
            c.settings().mergeIn(changes), c.imports(), c.groups().stream().map(g -> new NodeGroup(g.role(), g.name(),
                g.size(), g.flavor(), g.antiAffinityGroup(), g.settings().mergeIn(changes))).toList())).toList());
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("availability_zone", availabilityZone).put("target", target)
        .put("components", ModelJson.array(components, ComponentSpec::toJson));
  }

  /** Reads what {@link #toJson()} wrote; not a validation (use {@link TopologyValidator} for requests). */
  public static Topology fromJson(JsonObject json) {
    return new Topology(json.getString("name"), json.getString("availability_zone"),
        json.getString("target", TARGET_LOCAL), ModelJson.objects(json.getJsonArray("components"), ComponentSpec::fromJson));
  }
}
