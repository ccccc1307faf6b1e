package io.rainhub.events;

import io.rainhub.store.SqlDialect;

class EventStreamsOnH2Test extends EventStreamsContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.H2;
  }
}
