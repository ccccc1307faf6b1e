package io.rainhub.agents;

import io.rainhub.store.SqlDialect;

class AgentGatewayOnPostgresTest extends AgentGatewayContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }
}
