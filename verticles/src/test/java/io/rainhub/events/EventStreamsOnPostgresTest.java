package io.rainhub.events;

import io.rainhub.store.SqlDialect;

class EventStreamsOnPostgresTest extends EventStreamsContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }
}
