package io.rainhub.sql;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database to the schema this build expects, with Flyway. Blocking: call it before
 * the event loops start, or from a worker.
 */
public final class SchemaMigrator {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

  private SchemaMigrator() {
  }

  /**
   * Applies pending migrations.
   *
   * @param migrationFolder {@code h2} or {@code postgresql}: the folder under {@code db/migration}
   * @return the schema version now in the database
   * @throws SchemaTooNewException when the database was migrated by a newer hub
   */
  public static String migrate(String jdbcUrl, String user, String password, String migrationFolder) {
    Flyway flyway = Flyway.configure(SchemaMigrator.class.getClassLoader())
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration/" + migrationFolder)
        // Report migrations from a newer build instead of silently ignoring them.
        .ignoreMigrationPatterns("")
        .validateOnMigrate(false)
        .load();
    refuseNewerSchema(flyway);
    int applied = flyway.migrate().migrationsExecuted;
    String version = Optional.ofNullable(flyway.info().current())
        .map(info -> info.getVersion().getVersion()).orElse("none");
    if (applied > 0) {
      LOG.info("Applied {} migration(s); schema is at version {}", applied, version);
    }
    return version;
  }

  private static void refuseNewerSchema(Flyway flyway) {
    MigrationInfo[] all = flyway.info().all();
    Optional<MigrationVersion> newest = Arrays.stream(all)
        .filter(info -> info.getState() == MigrationState.FUTURE_SUCCESS
            || info.getState() == MigrationState.FUTURE_FAILED)
        .map(MigrationInfo::getVersion)
        .max(Comparator.naturalOrder());
    if (newest.isPresent()) {
      String known = Arrays.stream(all)
          .filter(info -> info.getState() != MigrationState.FUTURE_SUCCESS
              && info.getState() != MigrationState.FUTURE_FAILED && info.getVersion() != null)
          .map(MigrationInfo::getVersion).max(Comparator.naturalOrder())
          .map(MigrationVersion::getVersion).orElse("none");
      throw new SchemaTooNewException(newest.get().getVersion(), known);
    }
  }

  /** The database holds migrations this build does not know: running on it could corrupt data. */
  public static final class SchemaTooNewException extends RuntimeException {
    public SchemaTooNewException(String databaseVersion, String codeVersion) {
      super("The database schema is at version " + databaseVersion
          + ", newer than this hub understands (" + codeVersion
          + "). Run a hub at least as new as the one that last migrated this database.");
    }
  }
}
