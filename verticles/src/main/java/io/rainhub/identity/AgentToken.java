package io.rainhub.identity;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/**
 * The record of an agent token: who issued it, until when it is valid, whether it was revoked.
 * The JWT itself is handed out once and never stored.
 */
public record AgentToken(String id, String name, String createdBy, OffsetDateTime createdAt, OffsetDateTime expiresAt,
    OffsetDateTime revokedAt) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("createdBy", createdBy)
        .put("createdAt", createdAt.toString()).put("expiresAt", expiresAt.toString())
        .put("revokedAt", revokedAt == null ? null : revokedAt.toString());
  }

  static AgentToken fromRow(Row row) {
    return new AgentToken(row.getString("id"), row.getString("name"), row.getString("created_by"),
        row.getOffsetDateTime("created_at"), row.getOffsetDateTime("expires_at"), row.getOffsetDateTime("revoked_at"));
  }
}
