package io.rainhub.events;

import io.rainhub.store.SqlDialect;

class EventStreamsOnPostgresTest extends EventStreamsContract {
  @Override
  SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }
}
