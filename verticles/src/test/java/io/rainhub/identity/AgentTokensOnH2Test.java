package io.rainhub.identity;

import io.rainhub.store.SqlDialect;

class AgentTokensOnH2Test extends AgentTokensContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.H2;
  }
}
