package io.rainhub.workflow;

import io.vertx.core.json.JsonObject;

/**
 * One node of a topology's component. Its agent node (once its agent said hello) is where its
 * commands go; its exports are what its scripts published over the recipe's defaults.
 */
final class TopologyNode {

  enum State {
    PENDING, SPAWNING, SPAWNED, INSTALLING, CONFIGURING, VALIDATING, RUNNING, WAITING, STOPPED, FAILED, DELETING;
  }

  final String id;
  final String topologyId;
  final String component;
  final String name;
  final String role;
  final int position;
  State state;
  final JsonObject settings;
  JsonObject exports;
  String agentNodeId;
  JsonObject placement;
  final long createdAt;
  long updatedAt;

  TopologyNode(String id, String topologyId, String component, String name, String role, int position, State state,
      JsonObject settings, JsonObject exports, String agentNodeId, JsonObject placement, long createdAt,
      long updatedAt) {
    this.id = id;
    this.topologyId = topologyId;
    this.component = component;
    this.name = name;
    this.role = role;
    this.position = position;
    this.state = state;
    this.settings = settings;
    this.exports = exports;
    this.agentNodeId = agentNodeId;
    this.placement = placement;
    this.createdAt = createdAt;
    this.updatedAt = updatedAt;
  }

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("component", component).put("role", role)
        .put("state", state.name()).put("exports", exports).put("settings", settings).put("agentNodeId", agentNodeId)
        .put("createdAt", Times.iso(createdAt)).put("updatedAt", Times.iso(updatedAt));
  }
}
