package io.rainhub.hub.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Topologies and their components by id or name, over {@code GET /v1.0/topologies[/{id}]}. */
final class Topologies {

  private static final int PAGE = 100;

  private Topologies() {
  }

  /** Every topology the caller sees (list items: no components), page after page. */
  static List<JsonObject> all(HubApi api) {
    return pages(api, "/v1.0/topologies?");
  }

  /** Every item of a paged list route; {@code path} ends with {@code ?} or {@code &}. */
  static List<JsonObject> pages(HubApi api, String path) {
    List<JsonObject> items = new ArrayList<>();
    while (true) {
      JsonObject page = api.get(path + "start=" + items.size() + "&range=" + PAGE);
      List<JsonObject> more = HubApi.objects(page.getJsonArray("items", new JsonArray()));
      items.addAll(more);
      if (more.isEmpty() || items.size() >= page.getInteger("total", 0)) {
        return items;
      }
    }
  }

  /** The topology's id: {@code ref} is an id, or the name of one topology (names repeat across zones). */
  static String id(HubApi api, String ref) {
    return Names.pick("topology", ref, all(api), "id").getString("id");
  }

  /** The full topology, components and nodes included. */
  static JsonObject get(HubApi api, String ref) {
    return api.get("/v1.0/topologies/" + HubApi.encode(id(api, ref)));
  }

  /** A component and the topology holding it. */
  record Found(JsonObject topology, JsonObject component) {
  }

  /**
   * A component by {@code TOPOLOGY/COMPONENT} (names or ids), or by its id alone: the API has no
   * route for one component, so each topology is read until one holds it.
   */
  static Found component(HubApi api, String ref) {
    int slash = ref.indexOf('/');
    if (slash > 0) {
      JsonObject topology = get(api, ref.substring(0, slash));
      JsonObject component = Names.pick("component of " + topology.getString("name"), ref.substring(slash + 1),
          components(topology), "id");
      return new Found(topology, component);
    }
    for (JsonObject item : all(api)) {
      JsonObject topology = api.get("/v1.0/topologies/" + HubApi.encode(item.getString("id")));
      for (JsonObject component : components(topology)) {
        if (ref.equals(component.getString("id"))) {
          return new Found(topology, component);
        }
      }
    }
    throw CliException.refused("no component with id '" + ref + "' (or give TOPOLOGY/COMPONENT)");
  }

  static List<JsonObject> components(JsonObject topology) {
    return HubApi.objects(topology.getJsonArray("components", new JsonArray()));
  }

  static List<JsonObject> nodes(JsonObject component) {
    return HubApi.objects(component.getJsonArray("nodes", new JsonArray()));
  }
}
