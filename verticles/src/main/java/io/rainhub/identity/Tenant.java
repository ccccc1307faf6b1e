package io.rainhub.identity;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** A group of users and, later, of the resources they own. */
public record Tenant(String id, String name, OffsetDateTime createdAt) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("createdAt", createdAt.toString());
  }

  static Tenant fromRow(Row row) {
    return new Tenant(row.getString("id"), row.getString("name"), row.getOffsetDateTime("created_at"));
  }
}
