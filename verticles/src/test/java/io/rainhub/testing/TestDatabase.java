package io.rainhub.testing;

import io.rainhub.sql.SchemaMigrator;
import io.rainhub.store.DatabaseConfig;
import io.rainhub.store.SqlDialect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh, migrated database for one test class: an H2 file in a temporary directory, or a new
 * database on the PostgreSQL server named by {@code RAINHUB_TEST_PG} (which {@code bin/test}
 * provisions). Without that variable PostgreSQL tests fail, loudly, rather than skip.
 */
public final class TestDatabase {

  public static final String PG_ENV = "RAINHUB_TEST_PG";

  private final DatabaseConfig config;
  private final Path dataDir;

  private TestDatabase(DatabaseConfig config, Path dataDir) {
    this.config = config;
    this.dataDir = dataDir;
  }

  public static TestDatabase create(SqlDialect dialect) {
    TestDatabase database = dialect == SqlDialect.H2 ? h2() : postgresql();
    SchemaMigrator.migrate(database.config.jdbcUrl(), database.config.user(), database.config.password(),
        database.config.dialect().migrationFolder());
    return database;
  }

  /** An unmigrated database, for tests of migration itself. */
  public static TestDatabase createEmpty(SqlDialect dialect) {
    return dialect == SqlDialect.H2 ? h2() : postgresql();
  }

  public DatabaseConfig config() {
    return config;
  }

  /** The {@code --db} value a hub needs to use this (PostgreSQL) database. */
  public String uri() {
    String credentials = config.password() == null || config.password().isEmpty()
        ? config.user() : config.user() + ":" + config.password();
    return "postgresql://" + credentials + "@" + config.host() + ":" + config.port() + "/" + config.database();
  }

  /** A temporary directory for this test's data (admin password file, H2 file). */
  public Path dataDir() {
    return dataDir;
  }

  /** Runs SQL straight through JDBC, e.g. to simulate what another hub did to the schema. */
  public void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
         Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The first column of the first row of a query, straight through JDBC (e.g. a count). */
  public long queryLong(String sql) {
    try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
         Statement statement = connection.createStatement();
         java.sql.ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The admin URI of the test PostgreSQL server, or a failure saying how to get one. */
  public static String postgresAdminUri() {
    String uri = System.getenv(PG_ENV);
    if (uri == null || uri.isBlank()) {
      throw new IllegalStateException(PG_ENV + " is not set: PostgreSQL tests need a server. Run the suite with"
          + " ./bin/test, which provisions one, or export " + PG_ENV + "=postgresql://user:pass@host:port/postgres");
    }
    return uri;
  }

  private static TestDatabase h2() {
    Path dir = tempDir();
    return new TestDatabase(DatabaseConfig.embedded(dir), dir);
  }

  private static TestDatabase postgresql() {
    DatabaseConfig admin = DatabaseConfig.postgresql(postgresAdminUri());
    String name = "rainhub_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
         Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create a test database on " + admin.describe() + ": " + e.getMessage(), e);
    }
    return new TestDatabase(new DatabaseConfig(SqlDialect.POSTGRESQL, null, admin.host(), admin.port(), name,
        admin.user(), admin.password()), tempDir());
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("rainhub-test-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
