package io.rainhub.hypervisor;

import io.rainhub.store.SqlDialect;

class CloudApiOnH2Test extends CloudApiContract {
  @Override
  SqlDialect dialect() {
    return SqlDialect.H2;
  }
}
