package io.rainhub.api;

import io.rainhub.store.SqlDialect;

class TopologyApiOnPostgresTest extends TopologyApiContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }
}
