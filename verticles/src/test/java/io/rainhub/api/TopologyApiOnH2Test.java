package io.rainhub.api;

import io.rainhub.store.SqlDialect;

class TopologyApiOnH2Test extends TopologyApiContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.H2;
  }
}
