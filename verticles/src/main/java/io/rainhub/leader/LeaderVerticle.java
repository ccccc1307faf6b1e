package io.rainhub.leader;

import static io.rainhub.bus.Addresses.LEADER_FENCED;

import io.rainhub.hypervisor.HypervisorVerticle;
import io.rainhub.store.DatabaseConfig;
import io.rainhub.store.Lease;
import io.rainhub.store.Store;
import io.rainhub.workflow.WorkflowVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds this database's {@link Lease} and runs the singletons (the hypervisor) while it does. A
 * standalone hub takes the lease at start, or refuses to start when another live hub holds it.
 * A clustered hub follows whoever holds it and takes over when the lease expires or its holder left
 * the cluster. The holder renews every quarter of the lease; when a renewal finds the lease taken,
 * or a singleton's write is fenced, the singletons stop at once: a deposed leader writes nothing.
 *
 * <p>Configuration: {@code database}, {@code leaseMs} (default 4000), {@code hypervisor} (the
 * singleton's own configuration; it gets {@code epoch} added).
 */
public class LeaderVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderVerticle.class);
  private static final long FOLLOW_POLL_MILLIS = 250;

  private Store store;
  private Lease lease;
  private Lease.Holder me;
  private long leaseMillis;
  private JsonObject singletonConfig;
  private boolean stopped;
  /** The epoch this hub leads at; 0 while following. */
  private long epoch;
  private String singletonDeployment;
  private String workflowDeployment;
  private JsonObject workflowConfig;
  private long timer = -1;

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    store = Store.open(vertx, DatabaseConfig.fromJson(conf.getJsonObject("database")));
    lease = new Lease(store, Lease.SINGLETONS);
    leaseMillis = conf.getLong("leaseMs", 4_000L);
    singletonConfig = conf.getJsonObject("hypervisor", new JsonObject()).copy()
        .put("database", conf.getJsonObject("database"));
    workflowConfig = conf.getJsonObject("workflow", new JsonObject()).copy()
        .put("database", conf.getJsonObject("database"));
    me = new Lease.Holder(vertx.isClustered() ? cluster().getNodeId() : UUID.randomUUID().toString(),
        describeThisHub(conf.getString("advertise", "")), vertx.isClustered());
    vertx.eventBus().<JsonObject>localConsumer(LEADER_FENCED, message -> {
      if (message.body().getLong("epoch", -1L) == epoch) {
        stepDown("a write was fenced");
      }
    });
    if (vertx.isClustered()) {
      follow();
      return Future.succeededFuture();
    }
    return standaloneStart();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    Future<Void> released = epoch > 0 ? undeploySingletons().compose(done -> lease.release(me, epoch))
        .onSuccess(done -> LOG.info("Released the database lease (epoch {})", epoch))
        : Future.succeededFuture();
    return released.recover(failure -> Future.succeededFuture()).compose(done -> store.close());
  }

  // --- standalone: take the lease or refuse to start

  /**
   * Takes the lease if it is free or expires without being renewed (the previous hub died);
   * refuses when its holder keeps renewing it: two writers on one database would over-commit.
   */
  private Future<Void> standaloneStart() {
    Promise<Void> started = Promise.promise();
    lease.read().onFailure(started::fail).onSuccess(first -> {
      if (first.held()) {
        LOG.info("The database lease is held by {} (epoch {}) for {} ms more; waiting to see whether that hub is"
            + " alive", first.holderInfo(), first.epoch(), first.expiresInMillis());
      }
      watchThenTake(first, first, started);
    });
    return started.future();
  }

  private void watchThenTake(Lease.State first, Lease.State seen, Promise<Void> started) {
    if (!seen.held()) {
      lease.acquire(me, leaseMillis, seen, null).onFailure(started::fail).onSuccess(won -> {
        if (won == null) {
          lease.read().onSuccess(again -> watchThenTake(first, again, started)).onFailure(started::fail);
        } else {
          lead(won).onComplete(started);
        }
      });
      return;
    }
    if (seen.renewedAtMillis() != first.renewedAtMillis() || seen.epoch() != first.epoch()) {
      started.fail(new IllegalStateException("Another hub is running on this database and holds its lease: "
          + seen.holderInfo() + (seen.clustered() ? " (a clustered hub)" : "") + ", epoch " + seen.epoch()
          + ", renewed " + seen.renewedAgoMillis() + " ms ago. Stop that hub first, or start this one with --cluster"
          + " (and --cluster-members) to join it as a follower."));
      return;
    }
    vertx.setTimer(FOLLOW_POLL_MILLIS, tick -> lease.read()
        .onSuccess(again -> watchThenTake(first, again, started)).onFailure(started::fail));
  }

  // --- clustered: follow, take over when the holder is gone

  private void follow() {
    if (stopped || epoch > 0) {
      return;
    }
    timer = vertx.setTimer(FOLLOW_POLL_MILLIS, tick -> lease.read().onComplete(read -> {
      if (stopped || epoch > 0) {
        return;
      }
      if (read.failed()) {
        LOG.warn("Could not read the database lease; retrying", read.cause());
        follow();
        return;
      }
      Lease.State seen = read.result();
      String deadHolder = seen.held() && seen.clustered() && !cluster().getNodes().contains(seen.holder())
          ? seen.holder() : null;
      if (seen.held() && deadHolder == null) {
        follow();
        return;
      }
      lease.acquire(me, leaseMillis, seen, deadHolder).onComplete(acquired -> {
        if (acquired.succeeded() && acquired.result() != null) {
          LOG.info("Took the database lease (epoch {}) from {}", acquired.result(),
              seen.holder() == null ? "nobody" : seen.holderInfo() + (deadHolder != null ? ", which left the cluster"
                  : ", whose lease expired"));
          lead(acquired.result()).onFailure(failure -> {
            LOG.error("Could not start the singletons after taking the lease", failure);
            stepDown("the singletons did not start");
          });
        } else {
          if (acquired.failed()) {
            LOG.warn("Could not take the database lease; retrying", acquired.cause());
          }
          follow();
        }
      });
    }));
  }

  // --- leading

  private Future<Void> lead(long wonEpoch) {
    epoch = wonEpoch;
    renewLater();
    return vertx.deployVerticle(HypervisorVerticle::new,
            new DeploymentOptions().setConfig(singletonConfig.copy().put("epoch", wonEpoch)))
        .onSuccess(id -> singletonDeployment = id)
        .compose(hypervisor -> vertx.deployVerticle(WorkflowVerticle::new,
            new DeploymentOptions().setConfig(workflowConfig.copy().put("epoch", wonEpoch))))
        .onSuccess(id -> workflowDeployment = id)
        .mapEmpty();
  }

  private void renewLater() {
    long leading = epoch;
    timer = vertx.setTimer(Math.max(50, leaseMillis / 4), tick -> {
      if (stopped || epoch != leading) {
        return;
      }
      lease.renew(me, leading, leaseMillis).onComplete(renewed -> {
        if (stopped || epoch != leading) {
          return;
        }
        if (renewed.succeeded() && !renewed.result()) {
          stepDown("its lease was taken by another hub");
          return;
        }
        if (renewed.failed()) {
          // Writes stay fenced by the epoch, so a slow database costs availability, never safety.
          LOG.warn("Could not renew the database lease (epoch {}); retrying", leading, renewed.cause());
        }
        renewLater();
      });
    });
  }

  private void stepDown(String why) {
    if (epoch == 0) {
      return;
    }
    LOG.warn("This hub no longer holds the database lease (epoch {}): {}; the hypervisor stops here without"
        + " writing anything more", epoch, why);
    epoch = 0;
    vertx.cancelTimer(timer);
    undeploySingletons().onComplete(done -> {
      if (!vertx.isClustered()) {
        // Standalone there is no one to follow: the operator must see that another hub took over.
        LOG.error("A standalone hub lost its database lease to another hub; it serves no cloud requests until"
            + " restarted");
        return;
      }
      follow();
    });
  }

  private Future<Void> undeploySingletons() {
    String id = singletonDeployment;
    String workflow = workflowDeployment;
    singletonDeployment = null;
    workflowDeployment = null;
    // The engine first: it sends its commands through the hypervisor.
    Future<Void> engine = workflow == null ? Future.succeededFuture()
        : vertx.undeploy(workflow).recover(failure -> Future.succeededFuture());
    return engine.compose(stopped -> id == null ? Future.succeededFuture()
        : vertx.undeploy(id).recover(failure -> Future.succeededFuture()));
  }

  private io.vertx.core.spi.cluster.ClusterManager cluster() {
    return ((VertxInternal) vertx).clusterManager();
  }

  private static String describeThisHub(String advertise) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception unknown) {
      host = "unknown-host";
    }
    String pid = ManagementFactory.getRuntimeMXBean().getName().split("@")[0];
    return "hub on " + host + " (pid " + pid + (advertise.isEmpty() ? "" : ", " + advertise) + ")";
  }
}
