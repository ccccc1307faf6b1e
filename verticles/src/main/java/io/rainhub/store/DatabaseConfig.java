package io.rainhub.store;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where the hub keeps its durable state: the embedded H2 file database (default) or PostgreSQL.
 * Travels between verticles as JSON.
 */
public record DatabaseConfig(SqlDialect dialect, String h2File, String host, int port,
    String database, String user, String password) {

  /** The embedded database file under {@code dataDir}. */
  public static DatabaseConfig embedded(Path dataDir) {
    return new DatabaseConfig(SqlDialect.H2, dataDir.toAbsolutePath().normalize().resolve("rainhub").toString(),
        null, 0, null, "sa", "");
  }

  /**
   * Parses {@code postgresql://user:pass@host:port/db}.
   *
   * @throws IllegalArgumentException naming what is wrong with the URI
   */
  public static DatabaseConfig postgresql(String uri) {
    URI parsed;
    try {
      parsed = URI.create(uri);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--db: not a URI: " + e.getMessage());
    }
    if (!"postgresql".equals(parsed.getScheme()) && !"postgres".equals(parsed.getScheme())) {
      throw new IllegalArgumentException("--db: expected postgresql://user:pass@host:port/db, got scheme "
          + parsed.getScheme());
    }
    if (parsed.getHost() == null) {
      throw new IllegalArgumentException("--db: the URI names no host");
    }
    String path = parsed.getPath() == null ? "" : parsed.getPath().replaceFirst("^/", "");
    if (path.isEmpty()) {
      throw new IllegalArgumentException("--db: the URI names no database");
    }
    String user = "postgres";
    String password = "";
    if (parsed.getRawUserInfo() != null) {
      String[] parts = parsed.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : "";
    }
    return new DatabaseConfig(SqlDialect.POSTGRESQL, null, parsed.getHost(),
        parsed.getPort() > 0 ? parsed.getPort() : 5432, path, user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  public String jdbcUrl() {
    return switch (dialect) {
      // DATABASE_TO_LOWER: column labels match PostgreSQL's; WRITE_DELAY=0: a commit is written
      // before it is acknowledged, so kill -9 loses nothing acknowledged.
      case H2 -> "jdbc:h2:file:" + h2File + ";DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0";
      case POSTGRESQL -> "jdbc:postgresql://" + host + ":" + port + "/" + database;
    };
  }

  /** For logs: never includes the password. */
  public String describe() {
    return switch (dialect) {
      case H2 -> "h2:" + h2File;
      case POSTGRESQL -> "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    };
  }

  public JsonObject toJson() {
    return new JsonObject().put("dialect", dialect.name()).put("h2File", h2File).put("host", host)
        .put("port", port).put("database", database).put("user", user).put("password", password);
  }

  public static DatabaseConfig fromJson(JsonObject json) {
    return new DatabaseConfig(SqlDialect.valueOf(json.getString("dialect")), json.getString("h2File"),
        json.getString("host"), json.getInteger("port", 0), json.getString("database"),
        json.getString("user"), json.getString("password"));
  }
}
