package io.rainhub.identity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** A person or program that logs in. The password hash never leaves the identity verticle. */
public record User(String id, String username, String passwordHash, String tenantId, String tenantName,
    List<Role> roles, OffsetDateTime createdAt) {

  /** The public view: no password hash. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("username", username).put("tenant", tenantName)
        .put("roles", rolesJson()).put("createdAt", createdAt.toString());
  }

  public JsonArray rolesJson() {
    return new JsonArray(roles.stream().map(Role::id).toList());
  }

  static String rolesColumn(List<Role> roles) {
    return roles.stream().map(Role::id).collect(Collectors.joining(","));
  }

  static User fromRow(Row row) {
    List<Role> roles = Arrays.stream(row.getString("roles").split(","))
        .map(id -> Role.parse(id).orElseThrow(() -> new IllegalStateException("unknown role in store: " + id)))
        .toList();
    return new User(row.getString("id"), row.getString("username"), row.getString("password_hash"),
        row.getString("tenant_id"), row.getString("tenant_name"), roles, row.getOffsetDateTime("created_at"));
  }
}
