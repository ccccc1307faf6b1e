package io.rainhub.hypervisor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One running copy of a web component, placed on one or more motherships (a primary and its
 * replicas). {@code generation} counts refreshes; {@code tenantId} is its component's tenant, kept
 * here because a stopping instance outlives its undeployed component.
 */
public record Instance(String id, String componentId, String version, InstanceState state, int generation,
    List<Placement> placements, OffsetDateTime createdAt, String tenantId) {

  /** Where an instance runs and what it reserved there. */
  public record Placement(String mothershipId, Role role, Capacity reserved) {
    public JsonObject toJson() {
      return new JsonObject().put("mothershipId", mothershipId).put("role", role.name().toLowerCase())
          .put("reserved", reserved.toJson());
    }
  }

  public enum Role { PRIMARY, REPLICA }

  public String componentKey() {
    return WebComponent.key(componentId, version);
  }

  public Instance withPlacements(List<Placement> newPlacements) {
    return new Instance(id, componentId, version, state, generation, newPlacements, createdAt, tenantId);
  }

  public Instance withState(InstanceState newState) {
    return new Instance(id, componentId, version, newState, generation, placements, createdAt, tenantId);
  }

  public Instance refreshed() {
    return new Instance(id, componentId, version, state, generation + 1, placements, createdAt, tenantId);
  }

  public JsonObject toJson() {
    return new JsonObject().put("instanceId", id).put("componentId", componentId).put("version", version)
        .put("state", state.name()).put("generation", generation)
        .put("placements", new JsonArray(placements.stream().map(Placement::toJson).toList()))
        .put("createdAt", createdAt.toString()).put("tenantId", tenantId);
  }
}
