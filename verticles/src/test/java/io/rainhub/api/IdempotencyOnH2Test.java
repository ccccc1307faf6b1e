package io.rainhub.api;

import io.rainhub.store.SqlDialect;

class IdempotencyOnH2Test extends IdempotencyContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.H2;
  }
}
