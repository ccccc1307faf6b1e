package io.rainhub.hypervisor;

import io.rainhub.store.SqlDialect;

class CloudApiOnPostgresTest extends CloudApiContract {
  @Override
  SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }
}
