package io.rainhub.model;

import io.rainhub.api.Problem.InvalidParam;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of a topology document that its JSON Schema cannot express, run on a document the
 * schema accepted: recipes exist, names are unique, references name components and exports, and
 * nothing waits on itself. Each fault names the JSON pointer of the value at fault.
 */
final class TopologyChecks {

  /** One "X waits for Y" edge: a depends_on entry or a required import, and where it is written. */
  private record Edge(String from, String to, String pointer, boolean dependsOn) {
  }

  private final JsonArray components;
  private final Recipes recipes;
  private final List<InvalidParam> faults = new ArrayList<>();
  private final Map<String, Integer> indexByName = new LinkedHashMap<>();
  private final Map<String, List<Edge>> waits = new LinkedHashMap<>();

  TopologyChecks(JsonObject document, Recipes recipes) {
    this.components = document.getJsonArray("components");
    this.recipes = recipes;
  }

  List<InvalidParam> faults() {
    names();
    for (int i = 0; i < components.size(); i++) {
      recipe(i);
      submodules(i);
    }
    for (int i = 0; i < components.size(); i++) {
      dependsOn(i);
      imports(i);
    }
    cycles();
    return List.copyOf(faults);
  }

  private JsonObject component(int i) {
    return components.getJsonObject(i);
  }

  private static String at(int i) {
    return "/components/" + i;
  }

  private void fault(String pointer, String reason) {
    faults.add(new InvalidParam(pointer, reason));
  }

  private void names() {
    for (int i = 0; i < components.size(); i++) {
      String name = component(i).getString("name");
      Integer first = indexByName.putIfAbsent(name, i);
      if (first != null) {
        fault(at(i) + "/name", "duplicates the name of " + at(first) + " (" + name + ")");
      }
      waits.putIfAbsent(name, new ArrayList<>());
    }
  }

  private Optional<Recipe> recipeOf(int i) {
    return recipes.find(component(i).getString("type"), component(i).getString("version"));
  }

  private void recipe(int i) {
    if (recipeOf(i).isEmpty()) {
      fault(at(i) + "/type", "no recipe " + component(i).getString("type") + "/" + component(i).getString("version")
          + "; known: " + recipes.describe());
    }
  }

  // Flex-up picks a group by role, and node names need the group's name: both must be unambiguous.
  private void submodules(int i) {
    JsonArray submodules = component(i).getJsonArray("submodules", new JsonArray());
    Map<String, String> roles = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    names.put(component(i).getString("name"), at(i) + "/name");
    for (int j = 0; j < submodules.size(); j++) {
      JsonObject sub = submodules.getJsonObject(j);
      String where = at(i) + "/submodules/" + j;
      String role = sub.getString("role");
      if (role.equals(NodeGroup.DEFAULT_ROLE)) {
        fault(where + "/role", "\"default\" is the role of the component's own nodes");
      } else if (roles.putIfAbsent(role, where + "/role") != null) {
        fault(where + "/role", "duplicates the role of " + roles.get(role) + " (" + role + ")");
      }
      String name = sub.getString("name");
      if (names.putIfAbsent(name, where + "/name") != null) {
        fault(where + "/name", "duplicates the name of " + names.get(name) + " (" + name + ")");
      }
    }
  }

  private void dependsOn(int i) {
    JsonObject component = component(i);
    String name = component.getString("name");
    Object value = component.getValue("depends_on");
    List<String> targets = new ArrayList<>();
    List<String> pointers = new ArrayList<>();
    if (value instanceof String single) {
      targets.add(single);
      pointers.add(at(i) + "/depends_on");
    } else if (value instanceof JsonArray array) {
      for (int k = 0; k < array.size(); k++) {
        targets.add(array.getString(k));
        pointers.add(at(i) + "/depends_on/" + k);
      }
    }
    for (int k = 0; k < targets.size(); k++) {
      String target = targets.get(k);
      if (target.equals(name)) {
        fault(pointers.get(k), "a component cannot depend on itself (" + name + ")");
      } else if (!indexByName.containsKey(target)) {
        fault(pointers.get(k), "names no component: " + target + " (components: " + known() + ")");
      } else if (ownsName(i)) {
        waits.get(name).add(new Edge(name, target, pointers.get(k), true));
      }
    }
  }

  private void imports(int i) {
    String name = component(i).getString("name");
    JsonArray imports = component(i).getJsonArray("imports", new JsonArray());
    Map<String, String> seen = new HashMap<>();
    for (int j = 0; j < imports.size(); j++) {
      JsonObject spec = imports.getJsonObject(j);
      String where = at(i) + "/imports/" + j;
      String target = spec.getString("component");
      Integer targetIndex = indexByName.get(target);
      if (targetIndex == null) {
        fault(where + "/component", "names no component: " + target + " (components: " + known() + ")");
        continue;
      }
      // Scripts see one RAIN_IMPORT_<COMPONENT>_* family per imported component.
      if (seen.putIfAbsent(target, where) != null) {
        fault(where + "/component", target + " is already imported by " + seen.get(target));
        continue;
      }
      Optional<Recipe> exporter = recipeOf(targetIndex);
      JsonArray vars = spec.getJsonArray("vars");
      for (int k = 0; exporter.isPresent() && k < vars.size(); k++) {
        JsonObject exports = exporter.get().exportDefaults();
        if (!exports.containsKey(vars.getString(k))) {
          fault(where + "/vars/" + k, vars.getString(k) + " is not exported by " + target + " (" + exporter.get().key()
              + " exports: " + (exports.isEmpty() ? "nothing" : String.join(", ", exports.fieldNames())) + ")");
        }
      }
      // A required import holds the importer's start until the exporter runs: that is a wait too,
      // unless depends_on already says so (one edge per pair, or one cycle is reported twice).
      boolean waitedFor = waits.get(name).stream().anyMatch(e -> e.to().equals(target));
      if (!spec.getBoolean("optional", false) && ownsName(i) && !waitedFor) {
        waits.get(name).add(new Edge(name, target, where + "/component", false));
      }
    }
  }

  // A duplicate (already refused) adds no edge: its waits would be mistaken for the first one's.
  private boolean ownsName(int i) {
    return indexByName.get(component(i).getString("name")) == i;
  }

  private String known() {
    return String.join(", ", indexByName.keySet());
  }

  /** Depth-first in document order; each edge back into the current path closes one cycle. */
  private void cycles() {
    Map<String, Integer> state = new HashMap<>(); // absent: unvisited, 1: on the path, 2: done
    for (String start : waits.keySet()) {
      if (!state.containsKey(start)) {
        visit(start, new ArrayList<>(), new ArrayList<>(), state);
      }
    }
  }

  private void visit(String node, List<String> path, List<Edge> via, Map<String, Integer> state) {
    state.put(node, 1);
    path.add(node);
    for (Edge edge : waits.get(node)) {
      Integer seen = state.get(edge.to());
      if (seen == null) {
        via.add(edge);
        visit(edge.to(), path, via, state);
        via.remove(via.size() - 1);
      } else if (seen == 1) {
        reportCycle(path, via, edge);
      }
    }
    path.remove(path.size() - 1);
    state.put(node, 2);
  }

  // A depends_on cycle is named at its closing entry; one through imports at an import, the thing to relax.
  private void reportCycle(List<String> path, List<Edge> via, Edge closing) {
    int from = path.indexOf(closing.to());
    List<String> cycle = new ArrayList<>(path.subList(from, path.size()));
    cycle.add(closing.to());
    List<Edge> edges = new ArrayList<>(via.subList(from, via.size()));
    edges.add(closing);
    String names = String.join(" → ", cycle);
    Optional<Edge> anImport = edges.stream().filter(e -> !e.dependsOn()).reduce((first, second) -> second);
    if (anImport.isEmpty()) {
      fault(closing.pointer(), "depends_on has a cycle: " + names);
    } else {
      fault(anImport.get().pointer(), "waits on itself through depends_on and required imports: " + names
          + " (make one of those imports optional)");
    }
  }
}
