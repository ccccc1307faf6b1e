package io.rainhub.hypervisor;

import io.rainhub.bus.Caller;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The graph of the cloud the UI draws: rain servers, motherships and instances as nodes; edges for
 * hosting (mothership → instance, primary), replicas (mothership → instance) and wiring
 * (rain server → mothership). Nodes and wiring are infrastructure, shown to everyone; instances
 * only to their tenant's users and to admins.
 */
final class InfrastructureMap {

  private InfrastructureMap() {
  }

  static JsonObject of(CloudState state, Caller caller) {
    JsonArray nodes = new JsonArray();
    JsonArray edges = new JsonArray();
    for (RainServer server : state.servers()) {
      nodes.add(new JsonObject().put("id", server.id()).put("kind", "rainserver").put("name", server.name())
          .put("state", server.state().name()).put("address", server.address()).put("urls", server.urlsJson()));
    }
    for (Mothership mothership : state.motherships()) {
      nodes.add(new JsonObject().put("id", mothership.id()).put("kind", "mothership").put("name", mothership.name())
          .put("state", mothership.state().name()).put("address", mothership.address())
          .put("draining", mothership.draining()).put("capacity", mothership.capacity().toJson())
          .put("reserved", state.reservedOn(mothership.id()).toJson()));
    }
    for (Instance instance : state.instances()) {
      if (!caller.mayAct(instance.tenantId())) {
        continue;
      }
      nodes.add(new JsonObject().put("id", instance.id()).put("kind", "instance")
          .put("name", instance.componentKey()).put("state", instance.state().name()));
      for (Instance.Placement placement : instance.placements()) {
        edges.add(new JsonObject().put("from", placement.mothershipId()).put("to", instance.id())
            .put("kind", placement.role() == Instance.Role.PRIMARY ? "hosts" : "replica"));
      }
    }
    for (String[] wire : state.wires()) {
      edges.add(new JsonObject().put("from", wire[0]).put("to", wire[1]).put("kind", "wired"));
    }
    return new JsonObject().put("nodes", nodes).put("edges", edges);
  }
}
