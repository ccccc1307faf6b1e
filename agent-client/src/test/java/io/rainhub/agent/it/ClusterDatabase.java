package io.rainhub.agent.it;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A fresh database on the PostgreSQL server {@code bin/test} provisions ({@code RAINHUB_TEST_PG}),
 * for hubs run as processes, and a way to read what they wrote there.
 */
final class ClusterDatabase implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final String uri;
  private final Pool pool;

  private ClusterDatabase(String admin, String name) {
    this.uri = admin.substring(0, admin.lastIndexOf('/') + 1) + name;
    this.pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(uri)).using(vertx).build();
  }

  static ClusterDatabase create() throws Exception {
    String admin = System.getenv("RAINHUB_TEST_PG");
    if (admin == null || admin.isBlank()) {
      throw new IllegalStateException("RAINHUB_TEST_PG is not set: the cluster tests need PostgreSQL. Run them with"
          + " bin/test, which provisions one, or export RAINHUB_TEST_PG=postgresql://user@host:port/postgres");
    }
    String name = "rainhub_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Vertx once = Vertx.vertx();
    try {
      Pool server = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(admin)).using(once).build();
      server.query("CREATE DATABASE " + name).execute().toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      server.close();
    } finally {
      once.close();
    }
    return new ClusterDatabase(admin, name);
  }

  /** The URI to give a hub's {@code --db}. */
  String uri() {
    return uri;
  }

  long queryLong(String sql) throws Exception {
    Row row = pool.query(sql).execute().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
        .iterator().next();
    Long value = row.getLong(0);
    return value == null ? 0 : value;
  }

  @Override
  public void close() {
    pool.close();
    vertx.close();
  }
}
