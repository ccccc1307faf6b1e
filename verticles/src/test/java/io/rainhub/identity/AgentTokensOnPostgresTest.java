package io.rainhub.identity;

import io.rainhub.store.SqlDialect;

class AgentTokensOnPostgresTest extends AgentTokensContract {
  @Override
  protected SqlDialect dialect() {
    return SqlDialect.POSTGRESQL;
  }
}
