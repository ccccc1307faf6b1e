package io.rainhub.tenancy;

import io.rainhub.store.SqlDialect;

class TenancyOnH2Test extends TenancyContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.H2;
  }
}
