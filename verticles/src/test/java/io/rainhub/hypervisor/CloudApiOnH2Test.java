package io.rainhub.hypervisor;

import io.rainhub.store.SqlDialect;

class CloudApiOnH2Test extends CloudApiContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.H2;
  }
}
