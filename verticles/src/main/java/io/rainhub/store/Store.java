package io.rainhub.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * The hub's connection to its database: one pool shared by every verticle of the process,
 * the dialect, and transactions. Repositories take a {@link io.vertx.sqlclient.SqlClient} so the
 * same code runs inside or outside a transaction.
 *
 * <p>Every write goes through {@link #inTransaction}: with vertx-jdbc-client 5.0.8 a pooled H2
 * connection that once ran a transaction stays in manual-commit mode, so a write sent straight to
 * the pool may never be committed.
 */
public final class Store {

  private static final String SHARED_POOL_NAME = "rainhub-store";

  private final Pool pool;
  private final SqlDialect dialect;

  private Store(Pool pool, SqlDialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
  }

  /** Opens (or joins, within this process) the shared pool for {@code config}. */
  public static Store open(Vertx vertx, DatabaseConfig config) {
    // Shared per database: verticles of one process join one pool, a different database gets its own.
    PoolOptions poolOptions = new PoolOptions().setShared(true).setName(SHARED_POOL_NAME + ":" + config.describe());
    Pool pool = switch (config.dialect()) {
      case H2 -> JDBCPool.pool(vertx,
          new JDBCConnectOptions().setJdbcUrl(config.jdbcUrl()).setUser(config.user())
              .setPassword(config.password()),
          poolOptions.setMaxSize(4));
      case POSTGRESQL -> PgBuilder.pool()
          .with(poolOptions.setMaxSize(8))
          .connectingTo(new PgConnectOptions().setHost(config.host()).setPort(config.port())
              .setDatabase(config.database()).setUser(config.user()).setPassword(config.password()))
          .using(vertx)
          .build();
    };
    return new Store(pool, config.dialect());
  }

  public Pool pool() {
    return pool;
  }

  public SqlDialect dialect() {
    return dialect;
  }

  /** Runs {@code work} in one transaction: committed when its future succeeds, rolled back otherwise. */
  public <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }

  /** Succeeds when the database answers a trivial query. */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  public Future<Void> close() {
    return pool.close();
  }
}
