package io.rainhub.identity;

import io.rainhub.store.SqlDialect;

class IdentityApiOnPostgresTest extends IdentityApiContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }
}
