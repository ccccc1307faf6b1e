package io.rainhub.identity;

import io.rainhub.store.SqlDialect;

class IdentityApiOnH2Test extends IdentityApiContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.H2;
  }
}
