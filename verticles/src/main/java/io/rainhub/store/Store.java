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
import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The hub's connection to its database: one pool shared by every verticle of the process,
 * the dialect, and transactions. Repositories take a {@link io.vertx.sqlclient.SqlClient} so the
 * same code runs inside or outside a transaction.
 *
 * <p>Every write goes through {@link #inTransaction}: with vertx-jdbc-client 5.0.8 a pooled H2
 * connection that once ran a transaction stays in manual-commit mode, so a write sent straight to
 * the pool may never be committed.
 *
 * <p>The pool is recycled when the database is found closed under it: after an I/O error (a full
 * disk, a file-size limit) H2 closes the database, and the JDBC pool would go on handing out the
 * dead connections forever. A fresh pool reopens the file once it can be written again.
 */
public final class Store {

  private static final String SHARED_POOL_NAME = "rainhub-store";
  /** H2's "database is already closed" and "the database has been closed". */
  private static final int H2_CALLED_AT_SHUTDOWN = 90121;
  private static final int H2_DATABASE_IS_CLOSED = 90098;
  /** Per database, which pool is current: every Store of the process moves on to a recycled one. */
  private static final ConcurrentMap<String, AtomicLong> GENERATIONS = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final DatabaseConfig config;
  private final AtomicLong generations;
  private long generation;
  private Pool pool;
  private final SqlDialect dialect;

  private Store(Vertx vertx, DatabaseConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.dialect = config.dialect();
    this.generations = GENERATIONS.computeIfAbsent(config.describe(), key -> new AtomicLong());
    this.generation = generations.get();
    this.pool = pool(vertx, config, generation);
  }

  /** Opens (or joins, within this process) the shared pool for {@code config}. */
  public static Store open(Vertx vertx, DatabaseConfig config) {
    return new Store(vertx, config);
  }

  private static Pool pool(Vertx vertx, DatabaseConfig config, long generation) {
    // Shared per database: verticles of one process join one pool, a different database gets its own.
    PoolOptions poolOptions = new PoolOptions().setShared(true)
        .setName(SHARED_POOL_NAME + ":" + config.describe() + "#" + generation);
    return switch (config.dialect()) {
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
  }

  public Pool pool() {
    if (generation != generations.get()) {
      // Another verticle found the database closed: leave the dead pool (closed with its last user).
      Pool dead = pool;
      generation = generations.get();
      pool = pool(vertx, config, generation);
      dead.close();
    }
    return pool;
  }

  /**
   * Call with a failure of this store: when it says the database was closed under the pool, the
   * pool is replaced so the next use opens fresh connections.
   *
   * @return whether the pool was recycled
   */
  public boolean recycleIfClosed(Throwable failure) {
    if (!databaseClosed(failure)) {
      return false;
    }
    generations.compareAndSet(generation, generation + 1);
    pool();
    return true;
  }

  static boolean databaseClosed(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof SQLException sql && (sql.getErrorCode() == H2_CALLED_AT_SHUTDOWN
          || sql.getErrorCode() == H2_DATABASE_IS_CLOSED)) {
        return true;
      }
    }
    return false;
  }

  public SqlDialect dialect() {
    return dialect;
  }

  /** Runs {@code work} in one transaction: committed when its future succeeds, rolled back otherwise. */
  public <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return pool().withTransaction(work).onFailure(this::recycleIfClosed);
  }

  /** Succeeds when the database answers a trivial query. */
  public Future<Void> ping() {
    return pool().query("SELECT 1").execute().onFailure(this::recycleIfClosed).mapEmpty();
  }

  public Future<Void> close() {
    return pool().close();
  }
}
