package io.rainhub.identity;

import io.rainhub.store.SqlDialect;

class IdentityApiOnPostgresTest extends IdentityApiContract {
  @Override
  SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }
}
