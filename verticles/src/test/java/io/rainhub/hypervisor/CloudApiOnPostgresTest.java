package io.rainhub.hypervisor;

import io.rainhub.store.SqlDialect;

class CloudApiOnPostgresTest extends CloudApiContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }
}
