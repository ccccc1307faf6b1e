package io.rainhub.hypervisor;

import io.rainhub.store.SqlDialect;

class LifecycleOnPostgresTest extends LifecycleContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }
}
