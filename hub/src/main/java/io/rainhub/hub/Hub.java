package io.rainhub.hub;

import io.rainhub.HubVerticle;
import io.rainhub.metrics.HubMetrics;
import io.rainhub.sql.SchemaMigrator;
import io.rainhub.store.DatabaseConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running hub process: the migrated database, the Vert.x instance (clustered or not) and its verticles. */
public final class Hub {

  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

  private final Vertx vertx;
  private final HubSettings settings;
  private final int port;
  private final int clusterMembers;

  private Hub(Vertx vertx, HubSettings settings, int port, int clusterMembers) {
    this.vertx = vertx;
    this.settings = settings;
    this.port = port;
    this.clusterMembers = clusterMembers;
  }

  /**
   * Migrates the database, starts Vert.x and deploys the hub; blocks until it serves or fails.
   * Logs one line saying where it listens, on which store, in which mode and how long it took.
   */
  public static Hub start(HubSettings settings) throws Exception {
    long started = System.nanoTime();
    Files.createDirectories(settings.dataDir());
    DatabaseConfig database = settings.database();
    boolean embedded = database.dialect() == io.rainhub.store.SqlDialect.H2;
    if (embedded) {
      EmbeddedDataDirectory.check(settings.dataDir(), database);
    }
    SchemaMigrator.migrate(database.jdbcUrl(), database.user(), database.password(),
        database.dialect().migrationFolder());
    if (embedded) {
      EmbeddedDataDirectory.markCreated(settings.dataDir());
    }

    VertxOptions options = HubMetrics.enable(new VertxOptions());
    Vertx vertx;
    HazelcastClusterManager clusterManager = null;
    if (settings.cluster()) {
      clusterManager = ClusterSetup.clusterManager(settings);
      options.getEventBusOptions().setHost(settings.clusterHost());
      vertx = await(Vertx.builder().with(options).withMetrics(HubMetrics.factory())
          .withClusterManager(clusterManager).buildClustered());
    } else {
      vertx = Vertx.builder().with(options).withMetrics(HubMetrics.factory()).build();
    }
    try {
      int members = clusterManager == null ? 1 : ClusterSetup.watchMembers(clusterManager);
      await(vertx.deployVerticle(HubVerticle::new,
          new DeploymentOptions().setConfig(settings.toVerticleConfig()
              .put(HubMetrics.REGISTRY_KEY, HubMetrics.registryName(options)))));
      int port = boundPort(vertx, settings);
      Hub hub = new Hub(vertx, settings, port, members);
      LOG.info("Rain Hub serving {} | store {} | mode {} | started in {} ms", hub.address(),
          database.describe(), settings.cluster() ? "clustered (" + members + " member(s))" : "standalone",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return hub;
    } catch (Exception e) {
      await(vertx.close());
      throw e;
    }
  }

  public String address() {
    return (settings.tls() ? "https" : "http") + "://" + settings.host() + ":" + port;
  }

  public int port() {
    return port;
  }

  public Vertx vertx() {
    return vertx;
  }

  public int clusterMembersAtStart() {
    return clusterMembers;
  }

  public void stop() throws Exception {
    long started = System.nanoTime();
    LOG.info("Rain Hub stopping: closing agent sessions, the HTTP server and the store");
    await(vertx.close());
    LOG.info("Rain Hub stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** With port 0 the OS picks; the HTTP verticle publishes the port it got in shared data. */
  private static int boundPort(Vertx vertx, HubSettings settings) {
    Integer published = vertx.sharedData().<String, Integer>getLocalMap(io.rainhub.api.HttpApiVerticle.LOCAL_MAP)
        .get(io.rainhub.api.HttpApiVerticle.PORT_KEY);
    return published != null ? published : settings.port();
  }

  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }
}
