package io.rainhub.agent.webapp;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** The one-row counter of the webapp: every statement it runs against the database. */
final class CounterStore {

  private static final long ROW_ID = 1;
  private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS rain_counter (id INT PRIMARY KEY, n BIGINT)";
  // One statement, so concurrent requests of every webapp node never lose an increment.
  private static final String INCREMENT = "INSERT INTO rain_counter (id, n) VALUES ($1, 1) "
      + "ON CONFLICT (id) DO UPDATE SET n = rain_counter.n + 1 RETURNING n";
  private static final String PING = "SELECT 1";

  private final Pool pool;

  CounterStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> createTable() {
    return pool.query(CREATE_TABLE).execute().mapEmpty();
  }

  Future<Long> increment() {
    return pool.preparedQuery(INCREMENT).execute(Tuple.of(ROW_ID))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  Future<Void> ping() {
    return pool.query(PING).execute().mapEmpty();
  }

  Future<Void> close() {
    return pool.close();
  }
}
