package io.rainhub.agents;

import io.rainhub.store.SqlDialect;

class AgentGatewayOnH2Test extends AgentGatewayContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.H2;
  }
}
