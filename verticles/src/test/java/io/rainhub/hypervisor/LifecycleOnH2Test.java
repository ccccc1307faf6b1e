package io.rainhub.hypervisor;

import io.rainhub.store.SqlDialect;

class LifecycleOnH2Test extends LifecycleContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.H2;
  }
}
