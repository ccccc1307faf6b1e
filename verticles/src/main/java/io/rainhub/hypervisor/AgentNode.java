package io.rainhub.hypervisor;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/**
 * A node whose agent has said hello. For a mothership or rain server it marks the record as
 * agent-managed; a generic node has no other record, so its state lives here. {@code agentTokenId}
 * is the agent token it is bound to (null only for a node stored before bindings existed).
 */
public record AgentNode(String nodeId, NodeKind kind, String name, String address, String agentVersion,
    NodeState state, OffsetDateTime createdAt, String agentTokenId) {

  public AgentNode(String nodeId, NodeKind kind, String name, String address, String agentVersion, NodeState state,
      OffsetDateTime createdAt) {
    this(nodeId, kind, name, address, agentVersion, state, createdAt, null);
  }

  public enum NodeKind {
    MOTHERSHIP, RAINSERVER, GENERIC;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static NodeKind parse(String text) {
      return valueOf(text.toUpperCase(java.util.Locale.ROOT));
    }
  }

  AgentNode withState(NodeState newState) {
    return new AgentNode(nodeId, kind, name, address, agentVersion, newState, createdAt, agentTokenId);
  }

  AgentNode withAgentVersion(String version) {
    return new AgentNode(nodeId, kind, name, address, version, state, createdAt, agentTokenId);
  }

  AgentNode boundTo(String tokenId) {
    return new AgentNode(nodeId, kind, name, address, agentVersion, state, createdAt, tokenId);
  }

  public JsonObject toJson() {
    return new JsonObject().put("nodeId", nodeId).put("kind", kind.wireName()).put("name", name)
        .put("address", address).put("agentVersion", agentVersion).put("state", state.name())
        .put("createdAt", createdAt.toString()).put("agentTokenId", agentTokenId);
  }
}
