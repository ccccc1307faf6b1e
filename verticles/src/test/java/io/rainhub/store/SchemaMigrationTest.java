package io.rainhub.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rainhub.sql.SchemaMigrator;
import io.rainhub.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchemaMigrationTest {

  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void migratesAnEmptyDatabaseAndIsIdempotent(SqlDialect dialect) {
    TestDatabase database = TestDatabase.createEmpty(dialect);
    DatabaseConfig config = database.config();
    assertThat(SchemaMigrator.migrate(config.jdbcUrl(), config.user(), config.password(), dialect.migrationFolder()))
        .isEqualTo("6");
    assertThat(SchemaMigrator.migrate(config.jdbcUrl(), config.user(), config.password(), dialect.migrationFolder()))
        .isEqualTo("6");
  }

  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void refusesASchemaNewerThanTheCode(SqlDialect dialect) {
    TestDatabase database = TestDatabase.create(dialect);
    // What a newer hub would have left behind.
    database.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
        + " checksum, installed_by, execution_time, success) VALUES (99, '999', 'from the future', 'SQL',"
        + " 'V999__from_the_future.sql', 0, 'test', 0, TRUE)");
    DatabaseConfig config = database.config();
    assertThatThrownBy(() -> SchemaMigrator.migrate(config.jdbcUrl(), config.user(), config.password(),
        dialect.migrationFolder()))
        .isInstanceOf(SchemaMigrator.SchemaTooNewException.class)
        .hasMessageContaining("version 999")
        .hasMessageContaining("newer than this hub");
  }
}
