package io.rainhub.workflow;

import io.rainhub.model.ComponentSpec;
import io.rainhub.model.Topology;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A deployed topology as the engine keeps it: the validated document, its components' ids, its
 * state and (local target) the agent token its processes connect with. Mutated only by the engine.
 */
final class TopologyRecord {

  enum State {
    CREATING, RUNNING, FAILED, DELETING
  }

  final String id;
  final String tenantId;
  Topology spec;
  /** Component name → id. */
  final Map<String, String> componentIds;
  State state;
  JsonObject agentToken;
  /** Component name → the position its next node gets: positions (and so node names) are never reused. */
  final Map<String, Integer> nextPositions = new java.util.HashMap<>();
  final long createdAt;
  long updatedAt;

  TopologyRecord(String id, String tenantId, Topology spec, Map<String, String> componentIds, State state,
      JsonObject agentToken, long createdAt, long updatedAt) {
    this.id = id;
    this.tenantId = tenantId;
    this.spec = spec;
    this.componentIds = componentIds;
    this.state = state;
    this.agentToken = agentToken;
    this.createdAt = createdAt;
    this.updatedAt = updatedAt;
  }

  ComponentSpec component(String name) {
    return spec.components().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  String componentName(String componentId) {
    return componentIds.entrySet().stream().filter(e -> e.getValue().equals(componentId)).map(Map.Entry::getKey)
        .findFirst().orElse(null);
  }

  int takePosition(String component) {
    int position = nextPositions.getOrDefault(component, 0);
    nextPositions.put(component, position + 1);
    return position;
  }

  JsonObject specJson() {
    return new JsonObject().put("topology", spec.toJson()).put("componentIds", new JsonObject(Map.copyOf(componentIds)))
        .put("nextPositions", new JsonObject(Map.copyOf(nextPositions)));
  }
}
