package io.rainhub.api;

import io.rainhub.store.SqlDialect;

class IdempotencyOnPostgresTest extends IdempotencyContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }
}
