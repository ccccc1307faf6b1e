package io.rainhub.store;

import io.vertx.pgclient.PgException;
import java.sql.SQLException;

/** Everything that differs between the embedded H2 database and PostgreSQL, in one place. */
public enum SqlDialect {
  H2("h2"),
  POSTGRESQL("postgresql");

  private static final String UNIQUE_VIOLATION = "23505";

  private final String migrationFolder;

  SqlDialect(String migrationFolder) {
    this.migrationFolder = migrationFolder;
  }

  /** The folder under {@code db/migration} in the sql module. */
  public String migrationFolder() {
    return migrationFolder;
  }

  /** The positional placeholder for the {@code index}-th parameter (1-based). */
  public String placeholder(int index) {
    return this == POSTGRESQL ? "$" + index : "?";
  }

  /** The database's clock in epoch milliseconds, as an SQL expression: hubs agree on it whatever their own clocks say. */
  public String nowMillis() {
    return this == POSTGRESQL ? "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
        : "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)";
  }

  /** True when the failure is a unique-key violation (both databases report SQLSTATE 23505). */
  public boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
        return true;
      }
      if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
