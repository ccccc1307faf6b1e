package io.rainhub.hypervisor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One running copy of a web component, placed on one or more motherships (a primary and its
 * replicas). {@code generation} counts refreshes; {@code tenantId} is its component's tenant, kept
 * here because a stopping instance outlives its undeployed component. {@code failure}: why a FAILED instance failed
 * (action, step, script, exitCode, lastLines), else null. {@code progress}: the step its primary's
 * agent last reported starting (installing, configuring, starting…), null when none runs.
 * {@code targetVersion}: the version an update was sent for, until the agent confirms it; {@code
 * version} stays what the node is known to run.
 */
public record Instance(String id, String componentId, String version, InstanceState state, int generation,
    List<Placement> placements, OffsetDateTime createdAt, String tenantId, JsonObject failure, String progress,
    String targetVersion) {

  public Instance(String id, String componentId, String version, InstanceState state, int generation,
      List<Placement> placements, OffsetDateTime createdAt, String tenantId) {
    this(id, componentId, version, state, generation, placements, createdAt, tenantId, null, null, null);
  }

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
    return new Instance(id, componentId, version, state, generation, newPlacements, createdAt, tenantId,
        failure, progress, targetVersion);
  }

  /** A new state ends the step in progress; leaving FAILED forgets the failure. The same state changes nothing. */
  public Instance withState(InstanceState newState) {
    if (newState == state) {
      return this;
    }
    return new Instance(id, componentId, version, newState, generation, placements, createdAt, tenantId,
        newState == InstanceState.FAILED ? failure : null, null, targetVersion);
  }

  public Instance failed(JsonObject reason) {
    return new Instance(id, componentId, version, InstanceState.FAILED, generation, placements, createdAt, tenantId,
        reason, null, targetVersion);
  }

  public Instance withProgress(String newProgress) {
    return new Instance(id, componentId, version, state, generation, placements, createdAt, tenantId,
        failure, newProgress, targetVersion);
  }

  /** An update was sent: {@code version} stays until the agent confirms. */
  public Instance withTargetVersion(String newTarget) {
    return new Instance(id, componentId, version, state, generation, placements, createdAt, tenantId,
        failure, progress, newTarget);
  }

  /** The agent confirmed the update to the target version. */
  public Instance updated() {
    return new Instance(id, componentId, targetVersion, state, generation, placements, createdAt, tenantId,
        failure, null, null);
  }

  public Instance refreshed() {
    return new Instance(id, componentId, version, state, generation + 1, placements, createdAt, tenantId,
        failure, progress, targetVersion);
  }

  public JsonObject toJson() {
    return new JsonObject().put("instanceId", id).put("componentId", componentId).put("version", version)
        .put("state", state.name()).put("generation", generation)
        .put("placements", new JsonArray(placements.stream().map(Placement::toJson).toList()))
        .put("createdAt", createdAt.toString()).put("tenantId", tenantId)
        .put("failure", failure).put("progress", progress).put("targetVersion", targetVersion);
  }
}
