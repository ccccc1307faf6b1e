package io.rainhub.hypervisor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;

/** A registered rain server: where it is and which URLs it can render. */
public record RainServer(String id, String name, String address, List<UrlPattern> urls, JsonObject labels,
    Integer ttlSeconds, OffsetDateTime expiresAt, NodeState state, OffsetDateTime createdAt) {

  public RainServer withState(NodeState newState) {
    return new RainServer(id, name, address, urls, labels, ttlSeconds, expiresAt, newState, createdAt);
  }

  public RainServer withExpiresAt(OffsetDateTime newExpiry) {
    return new RainServer(id, name, address, urls, labels, ttlSeconds, newExpiry, state, createdAt);
  }

  public boolean available() {
    return state == NodeState.AVAILABLE;
  }

  public JsonArray urlsJson() {
    return new JsonArray(urls.stream().map(UrlPattern::text).toList());
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("address", address).put("urls", urlsJson())
        .put("labels", labels).put("ttlSeconds", ttlSeconds)
        .put("expiresAt", expiresAt == null ? null : expiresAt.toString())
        .put("state", state.name()).put("createdAt", createdAt.toString());
  }
}
