package io.rainhub.tenancy;

import io.rainhub.store.SqlDialect;

class TenancyOnPostgresTest extends TenancyContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }
}
