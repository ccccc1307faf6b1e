package io.rainhub.identity;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/** SQL for tenants and users. Takes a client so callers choose the transaction. */
final class IdentityRepository {

  private static final String USER_COLUMNS = "u.id, u.username, u.password_hash, u.tenant_id, t.name AS tenant_name,"
      + " u.roles, u.created_at FROM users u JOIN tenants t ON t.id = u.tenant_id";

  private static final String INSERT_TENANT =
      "INSERT INTO tenants (id, name, created_at) VALUES (#{id}, #{name}, #{createdAt})";
  private static final String TENANT_BY_NAME = "SELECT id, name, created_at FROM tenants WHERE name = #{name}";
  private static final String ALL_TENANTS = "SELECT id, name, created_at FROM tenants ORDER BY name";
  private static final String INSERT_USER = "INSERT INTO users (id, username, password_hash, tenant_id, roles, created_at)"
      + " VALUES (#{id}, #{username}, #{passwordHash}, #{tenantId}, #{roles}, #{createdAt})";
  private static final String USER_BY_NAME = "SELECT " + USER_COLUMNS + " WHERE u.username = #{username}";
  private static final String ALL_USERS = "SELECT " + USER_COLUMNS + " ORDER BY u.username";

  private static final String TOKEN_COLUMNS = "id, name, created_by, created_at, expires_at, revoked_at";
  private static final String INSERT_AGENT_TOKEN = "INSERT INTO agent_tokens (" + TOKEN_COLUMNS + ") VALUES"
      + " (#{id}, #{name}, #{createdBy}, #{createdAt}, #{expiresAt}, #{revokedAt})";
  private static final String AGENT_TOKEN = "SELECT " + TOKEN_COLUMNS + " FROM agent_tokens WHERE id = #{id}";
  private static final String ALL_AGENT_TOKENS = "SELECT " + TOKEN_COLUMNS + " FROM agent_tokens ORDER BY created_at, id";
  private static final String REVOKE_AGENT_TOKEN = "UPDATE agent_tokens SET revoked_at = #{revokedAt} WHERE id = #{id}";

  private IdentityRepository() {
  }

  static Future<Void> insertTenant(SqlClient client, Tenant tenant) {
    return SqlTemplate.forUpdate(client, INSERT_TENANT)
        .execute(Map.of("id", tenant.id(), "name", tenant.name(), "createdAt", tenant.createdAt()))
        .mapEmpty();
  }

  static Future<Optional<Tenant>> tenantByName(SqlClient client, String name) {
    return SqlTemplate.forQuery(client, TENANT_BY_NAME).execute(Map.of("name", name))
        .map(rows -> first(rows).map(Tenant::fromRow));
  }

  static Future<List<Tenant>> allTenants(SqlClient client) {
    return SqlTemplate.forQuery(client, ALL_TENANTS).execute(Map.of())
        .map(rows -> stream(rows).map(Tenant::fromRow).toList());
  }

  static Future<Void> insertUser(SqlClient client, User user) {
    return SqlTemplate.forUpdate(client, INSERT_USER)
        .execute(Map.of("id", user.id(), "username", user.username(), "passwordHash", user.passwordHash(),
            "tenantId", user.tenantId(), "roles", User.rolesColumn(user.roles()), "createdAt", user.createdAt()))
        .mapEmpty();
  }

  static Future<Optional<User>> userByName(SqlClient client, String username) {
    return SqlTemplate.forQuery(client, USER_BY_NAME).execute(Map.of("username", username))
        .map(rows -> first(rows).map(User::fromRow));
  }

  static Future<List<User>> allUsers(SqlClient client) {
    return SqlTemplate.forQuery(client, ALL_USERS).execute(Map.of())
        .map(rows -> stream(rows).map(User::fromRow).toList());
  }

  static Future<Void> insertAgentToken(SqlClient client, AgentToken token) {
    Map<String, Object> params = new java.util.HashMap<>();
    params.put("id", token.id());
    params.put("name", token.name());
    params.put("createdBy", token.createdBy());
    params.put("createdAt", token.createdAt());
    params.put("expiresAt", token.expiresAt());
    params.put("revokedAt", token.revokedAt());
    return SqlTemplate.forUpdate(client, INSERT_AGENT_TOKEN).execute(params).mapEmpty();
  }

  static Future<Optional<AgentToken>> agentToken(SqlClient client, String id) {
    return SqlTemplate.forQuery(client, AGENT_TOKEN).execute(Map.of("id", id))
        .map(rows -> first(rows).map(AgentToken::fromRow));
  }

  static Future<List<AgentToken>> allAgentTokens(SqlClient client) {
    return SqlTemplate.forQuery(client, ALL_AGENT_TOKENS).execute(Map.of())
        .map(rows -> stream(rows).map(AgentToken::fromRow).toList());
  }

  static Future<Void> revokeAgentToken(SqlClient client, String id, java.time.OffsetDateTime at) {
    return SqlTemplate.forUpdate(client, REVOKE_AGENT_TOKEN).execute(Map.of("id", id, "revokedAt", at)).mapEmpty();
  }

  private static Optional<Row> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
  }

  private static java.util.stream.Stream<Row> stream(RowSet<Row> rows) {
    return StreamSupport.stream(rows.spliterator(), false);
  }
}
