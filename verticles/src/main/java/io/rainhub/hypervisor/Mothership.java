package io.rainhub.hypervisor;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** A registered mothership: what it offers. What it holds is tracked by {@link CloudState}. */
public record Mothership(String id, String name, String address, Capacity capacity, JsonObject labels,
    Integer ttlSeconds, OffsetDateTime expiresAt, NodeState state, boolean draining, OffsetDateTime createdAt) {

  public Mothership withState(NodeState newState) {
    return new Mothership(id, name, address, capacity, labels, ttlSeconds, expiresAt, newState, draining, createdAt);
  }

  public Mothership withExpiresAt(OffsetDateTime newExpiry) {
    return new Mothership(id, name, address, capacity, labels, ttlSeconds, newExpiry, state, draining, createdAt);
  }

  public Mothership withDraining(boolean newDraining) {
    return new Mothership(id, name, address, capacity, labels, ttlSeconds, expiresAt, state, newDraining, createdAt);
  }

  public boolean available() {
    return state == NodeState.AVAILABLE;
  }

  /** True when every label the component requires is present with the same value. */
  public boolean satisfies(JsonObject requiredLabels) {
    for (String key : requiredLabels.fieldNames()) {
      if (!requiredLabels.getValue(key).equals(labels.getValue(key))) {
        return false;
      }
    }
    return true;
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("address", address)
        .put("capacity", capacity.toJson()).put("labels", labels).put("ttlSeconds", ttlSeconds)
        .put("expiresAt", expiresAt == null ? null : expiresAt.toString())
        .put("state", state.name()).put("draining", draining).put("createdAt", createdAt.toString());
  }
}
