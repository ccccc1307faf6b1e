package io.rainhub.hypervisor;

import static io.rainhub.bus.Addresses.*;

import io.rainhub.bus.BusFailure;
import io.rainhub.bus.Caller;
import io.rainhub.bus.LeaderRequests;
import io.rainhub.store.DatabaseConfig;
import io.rainhub.store.Lease;
import io.rainhub.store.Store;
import io.rainhub.store.StoreHealth;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shell around the {@link Hypervisor}'s decisions, the single writer of the cloud's maps: it
 * wins leadership, loads the maps, takes requests off the bus, runs the scan timer, stores each
 * decision's change through {@link GroupCommit} and only then answers and sends its commands.
 * Decisions run on this verticle's event loop, so concurrent requests never over-commit a
 * mothership. Requests arrive validated by the API verticle.
 */
public class HypervisorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HypervisorVerticle.class);
  private static final long SCAN_MILLIS = 100;
  private static final long PRUNE_MILLIS = 60_000;
  /** Ids the API made from a client's Idempotency-Key (see api.Replies): reusing one for another request is refused. */
  private static final String CLIENT_KEY_PREFIX = "key:";

  private Store store;
  private Hypervisor.Settings settings;
  private GroupCommit commits;
  private StickySessions sessions;
  private Liveness liveness;
  private long commandExpiryMillis;
  private final TimeSource time = TimeSource.system();
  /** The decisions over the state last loaded; replaced at every reload. */
  private Hypervisor hypervisor;
  private Outbox outbox;
  private final EncodedInstances encoded = new EncodedInstances();
  private boolean reloading;
  private boolean stopped;
  /** The lease epoch this hypervisor writes at; every write checks it is still the database's. */
  private long epoch;
  /** Set once a write was fenced: another hub took the lease, so nothing more is decided here. */
  private boolean fenced;
  private AppliedRequests applied;
  private long nextPruneMillis;

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    epoch = conf.getLong("epoch");
    store = Store.open(vertx, DatabaseConfig.fromJson(conf.getJsonObject("database")));
    settings = new Hypervisor.Settings(PlacementStrategy.parse(conf.getString("placementStrategy", "spread")),
        !"release".equals(conf.getString("lostPolicy", "reschedule")), epoch);
    sessions = new StickySessions(conf.getInteger("maxSessions", 1_000_000),
        conf.getLong("sessionIdleMillis", 30 * 60_000L));
    commits = new GroupCommit(store, epoch, conf.getInteger("maxBatch", 256), this::afterFailedWrite);
    liveness = new Liveness(conf.getLong("heartbeatIntervalMs", 1_000L), conf.getLong("agentTtlMs", 3_000L),
        conf.getLong("agentReconnectMaxMs", 15_000L));
    commandExpiryMillis = conf.getLong("commandExpirySeconds", 3_600L) * 1000;
    // Deployed by the leader verticle while this hub holds the database lease at this epoch.
    return lead();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return store.close();
  }

  /** Loads the maps from the store and starts answering: the store is the truth at every takeover. */
  private Future<Void> lead() {
    return loadAll().compose(loaded -> {
      adopt(loaded);
      vertx.setPeriodic(SCAN_MILLIS, tick -> scan());
      List<Future<Void>> registered = new ArrayList<>();
      operations().forEach((address, operation) -> registered.add(vertx.eventBus()
          .<JsonObject>consumer(address, message -> answer(message, operation)).completion()));
      CloudState state = hypervisor.state;
      LOG.info("This hub runs the hypervisor: {} rain server(s), {} mothership(s), {} component(s), {} instance(s);"
          + " strategy {}", state.servers().size(), state.motherships().size(), state.components().size(),
          state.instanceCount(), settings.strategy().name().toLowerCase());
      return Future.all(registered).mapEmpty();
    });
  }

  /** Each address and the decision or read that answers it. */
  private Map<String, Operation> operations() {
    Map<String, Operation> ops = new HashMap<>();
    decide(ops, HV_SERVER_REGISTER, body -> hypervisor.registry.registerServer(body));
    read(ops, HV_SERVER_LIST, body -> hypervisor.registry.listServers());
    read(ops, HV_SERVER_URLS, body -> hypervisor.registry.serverUrls(body));
    decide(ops, HV_SERVER_RESET, body -> hypervisor.registry.resetServer(body));
    decide(ops, HV_SERVER_UNREGISTER, body -> hypervisor.registry.unregisterServer(body));
    read(ops, HV_SERVER_HEARTBEAT, body -> hypervisor.registry.serverHeartbeat(body));
    decide(ops, HV_MOTHERSHIP_REGISTER, body -> hypervisor.registry.registerMothership(body));
    read(ops, HV_MOTHERSHIP_LIST, body -> hypervisor.registry.listMotherships());
    read(ops, HV_MOTHERSHIP_GET, body -> hypervisor.registry.mothership(body));
    read(ops, HV_MOTHERSHIP_INSTANCES, body -> hypervisor.registry.mothershipInstances(body));
    read(ops, HV_MOTHERSHIP_HEARTBEAT, body -> hypervisor.registry.mothershipHeartbeat(body));
    decide(ops, HV_MOTHERSHIP_DRAIN, body -> hypervisor.registry.drainMothership(body));
    decide(ops, HV_MOTHERSHIP_DELETE, body -> hypervisor.registry.deleteMothership(body));
    decide(ops, HV_COMPONENT_DEPLOY, body -> hypervisor.components.deploy(body));
    read(ops, HV_COMPONENT_LIST, body -> hypervisor.components.list(body));
    read(ops, HV_COMPONENT_GET, body -> hypervisor.components.details(body));
    read(ops, HV_COMPONENT_DESCRIPTOR, body -> hypervisor.components.descriptor(body));
    read(ops, HV_COMPONENT_STATISTICS, body -> hypervisor.components.statistics(body));
    decide(ops, HV_COMPONENT_INSTANTIATE, body -> hypervisor.instances.instantiate(body));
    decide(ops, HV_COMPONENT_REFRESH, body -> hypervisor.components.refresh(body));
    decide(ops, HV_COMPONENT_UNDEPLOY, body -> hypervisor.components.undeploy(body));
    // The hottest read: answered with JSON encoded once per change of the instance.
    ops.put(HV_INSTANCE_GET, (body, requestId) -> Future.succeededFuture(
        encoded.of(Required.instance(hypervisor.state, body.getString("instanceId"), Caller.of(body)),
            hypervisor.state)));
    decide(ops, HV_INSTANCE_CLUSTER, body -> hypervisor.instances.cluster(body));
    decide(ops, HV_INSTANCE_REFRESH, body -> hypervisor.instances.refresh(body));
    decide(ops, HV_INSTANCE_STOP, body -> hypervisor.instances.stop(body));
    decide(ops, HV_INSTANCE_UPDATE, body -> hypervisor.instances.update(body));
    decide(ops, HV_INSTANCE_RESTART, body -> hypervisor.instances.restart(body));
    decide(ops, HV_ROUTE, body -> hypervisor.wiring.route(body));
    read(ops, HV_MAP, body -> InfrastructureMap.of(hypervisor.state, Caller.of(body)));
    decide(ops, HV_AGENT_HELLO, body -> hypervisor.fleet.hello(body));
    decide(ops, HV_AGENT_HEARTBEAT, body -> hypervisor.fleet.heartbeat(body));
    read(ops, HV_AGENT_PENDING, body -> hypervisor.fleet.pending(body));
    decide(ops, HV_AGENT_RESULT, body -> hypervisor.fleet.commandResult(body));
    decide(ops, HV_AGENT_EVENT, body -> hypervisor.fleet.agentEvent(body));
    decide(ops, HV_AGENT_GOODBYE, body -> hypervisor.fleet.goodbye(body));
    read(ops, HV_AGENT_LIST, body -> hypervisor.fleet.list(body));
    decide(ops, HV_COMMAND_SEND, body -> hypervisor.fleet.sendCommand(body));
    decide(ops, HV_NODE_ENROL, body -> hypervisor.fleet.enrol(body));
    return ops;
  }

  /** What answers a message: its body and the id of the API request it comes from (null for none). */
  private interface Operation {
    Future<?> apply(JsonObject body, String requestId);
  }

  /** The events of a decision record who asked: the person or agent the body names, else the hub. */
  private void decide(Map<String, Operation> ops, String address, Function<JsonObject, Decision> decision) {
    Function<JsonObject, Decision> attributed = body -> {
      Decision decided = decision.apply(body);
      decided.change().actedBy(Caller.actorOf(body));
      return decided;
    };
    ops.put(address, (body, requestId) -> requestId != null ? decideOnce(address, body, requestId, attributed)
        : store(attributed.apply(body)));
  }

  /**
   * A request with an id (every mutating API request) is applied once: a repeat gets the first
   * answer. The answer is stored with the change, so the next leader knows it too.
   */
  private Future<JsonObject> decideOnce(String address, JsonObject body, String requestId,
      Function<JsonObject, Decision> decision) {
    String fingerprint = AppliedRequests.fingerprint(address, body);
    Future<JsonObject> first = applied.firstAnswer(requestId, fingerprint);
    if (first != null) {
      return first;
    }
    if (applied.known(requestId) && requestId.startsWith(CLIENT_KEY_PREFIX)) {
      throw Refusal.of(422, "This Idempotency-Key was used for a different request; use a new key for a new request.",
          "Idempotency-Key");
    }
    Decision decided = decision.apply(body);
    if (decided.changedNothing() || applied.known(requestId)) {
      return store(decided);
    }
    JsonObject reply = decided.reply().get();
    long now = time.millis();
    decided.change().sql(AppliedRequests.INSERT, "requestId", requestId, "fingerprint", fingerprint,
        "reply", reply.encode(), "at", now);
    Future<JsonObject> stored = store(decided.change()).map(reply);
    applied.remember(requestId, fingerprint, stored, now);
    return stored;
  }

  private static void read(Map<String, Operation> ops, String address,
      Function<JsonObject, JsonObject> read) {
    ops.put(address, (body, requestId) -> Future.succeededFuture(read.apply(body)));
  }

  /** Runs every {@value #SCAN_MILLIS} ms: REST TTL expiry, agent liveness, command expiry. */
  private void scan() {
    if (reloading || fenced) {
      return;
    }
    long nowMillis = time.millis();
    for (Change expiry : hypervisor.registry.expireOverdue(nowMillis)) {
      store(expiry).onFailure(failure -> LOG.warn("Could not store an expiry", failure));
    }
    store(hypervisor.fleet.watchHeartbeats(nowMillis))
        .onFailure(failure -> LOG.warn("Could not store liveness transitions", failure));
    store(hypervisor.fleet.expireCommands()).onFailure(failure -> LOG.warn("Could not store command expiry", failure));
    if (nowMillis >= nextPruneMillis) {
      nextPruneMillis = nowMillis + PRUNE_MILLIS;
      store(applied.prune(nowMillis)).onFailure(failure -> LOG.warn("Could not prune applied requests", failure));
    }
  }

  // --- storing and applying

  /** Stores the decision's change, then answers with its reply (at once when it changed nothing). */
  private Future<JsonObject> store(Decision decision) {
    return store(decision.change()).map(stored -> decision.reply().get());
  }

  /** Stores the change; only then are its commands sent and finished commands announced. */
  private Future<Void> store(Change change) {
    if (change.isEmpty()) {
      return Future.succeededFuture();
    }
    return commits.submit(change).onSuccess(stored -> {
      StoreHealth.writeSucceeded(vertx);
      StoredEventsLog.stored(change.events());
      // Only stored commands are sent: an agent never runs what a crash could forget.
      for (AgentCommand command : change.toDeliver()) {
        outbox.stored(command.id());
        vertx.eventBus().publish(AGENT_NODE_PREFIX + command.nodeId(), command.frame(epoch));
      }
      for (AgentCommand command : change.finished()) {
        vertx.eventBus().publish(COMMAND_DONE_PREFIX + command.id(), command.toJson());
      }
    });
  }

  /**
   * A failed write leaves memory ahead of the store: throw memory away and reload what was really
   * committed, then write once more (the lease fence alone) to see the store takes writes again.
   * Requests arriving meanwhile get 503 and readiness says the store is down; the hub retries every
   * second until a write succeeds, with fresh connections if the database was closed under the
   * pool. A fenced write means another hub leads now:
   * this one decides nothing more and the leader verticle stops it.
   */
  private void afterFailedWrite(Throwable failure) {
    if (failure instanceof Lease.Fenced) {
      if (!fenced) {
        fenced = true;
        LOG.warn("A write at epoch {} was fenced: another hub holds the database lease; stepping down", epoch);
        vertx.eventBus().send(LEADER_FENCED, new JsonObject().put("epoch", epoch));
      }
      return;
    }
    LOG.error("A write to the store failed; reloading the hypervisor's maps from the store", failure);
    StoreHealth.writeFailed(vertx, failure);
    store.recycleIfClosed(failure);
    if (!reloading) {
      reloading = true;
      reload();
    }
  }

  private void reload() {
    if (!commits.idle()) {
      vertx.setTimer(50, t -> reload());
      return;
    }
    loadAll().compose(loaded -> probeWrite().map(loaded)).onComplete(result -> {
      if (stopped || fenced) {
        return;
      }
      if (result.succeeded()) {
        StoreHealth.writeSucceeded(vertx);
        adopt(result.result());
        reloading = false;
        LOG.info("Hypervisor maps reloaded from the store; it takes writes again");
      } else if (result.cause() instanceof Lease.Fenced) {
        afterFailedWrite(result.cause());
      } else {
        StoreHealth.writeFailed(vertx, result.cause());
        store.recycleIfClosed(result.cause());
        LOG.error("Reload failed; retrying in 1 s: {}", result.cause().getMessage());
        vertx.setTimer(1000, t -> reload());
      }
    });
  }

  /** A write that changes nothing: the lease fence in its own transaction. */
  private Future<Void> probeWrite() {
    return store.inTransaction(tx -> Lease.fence(tx, store.dialect(), epoch));
  }

  private record Loaded(CloudState state, Outbox outbox, AppliedRequests applied) {
  }

  private Future<Loaded> loadAll() {
    return CloudLoader.load(store.pool()).compose(state -> CloudLoader.loadOutbox(store.pool(), commandExpiryMillis)
        .compose(loadedOutbox -> AppliedRequests.load(store.pool(), store.dialect(), time.millis())
            .map(loadedApplied -> new Loaded(state, loadedOutbox, loadedApplied))));
  }

  private void adopt(Loaded loaded) {
    outbox = loaded.outbox();
    applied = loaded.applied();
    hypervisor = new Hypervisor(loaded.state(), outbox, liveness, sessions, settings, time);
    encoded.clear();
    store(hypervisor.takeOver()).onFailure(failure -> LOG.warn("Could not remove stopped instances", failure));
  }

  // --- answering

  private void answer(Message<JsonObject> message, Operation operation) {
    if (fenced) {
      BusFailure.notApplied(message, "This hub no longer runs the hypervisor; the request was not applied.");
      return;
    }
    if (reloading) {
      BusFailure.reply(message, 503, "The hypervisor is reloading after a storage failure; retry shortly.", null);
      return;
    }
    Future<?> result;
    try {
      result = operation.apply(message.body(), message.headers().get(LeaderRequests.REQUEST_ID));
    } catch (Refusal refusal) {
      message.fail(refusal.status(), refusal.body().encode());
      return;
    } catch (RuntimeException bug) {
      LOG.error("{} failed on {}", message.address(), message.body().encode(), bug);
      BusFailure.reply(message, 500, "The hypervisor failed; see the hub log.", null);
      return;
    }
    if (result.isComplete()) {
      // A read answered from memory: memory may hold changes still being written, so the answer
      // waits until they are stored (and becomes a 503 if they could not be).
      Future<?> read = result;
      result = commits.barrier().compose(stored -> read);
    }
    result.onSuccess(message::reply).onFailure(failure -> {
      if (failure instanceof ReplyException domain) {
        message.fail(domain.failureCode(), domain.getMessage());
      } else if (failure instanceof Lease.Fenced) {
        BusFailure.notApplied(message, "This hub lost the hypervisor to another hub; the request was not applied.");
      } else {
        LOG.error("{}: storing the change failed", message.address(), failure);
        BusFailure.reply(message, 503, "The change could not be stored; it was not applied. Retry.", null);
      }
    });
  }

  /**
   * Instances as encoded JSON, for the most frequent read. An entry is good while the map still
   * holds the very record it was encoded from: instances are immutable and replaced on every change.
   */
  private static final class EncodedInstances {
    private record Entry(Instance of, Buffer json) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    Buffer of(Instance instance, CloudState state) {
      Entry entry = entries.get(instance.id());
      if (entry == null || entry.of() != instance) {
        entry = new Entry(instance, instance.toJson().toBuffer());
        if (entries.put(instance.id(), entry) == null && entries.size() > 2 * state.instanceCount() + 1024) {
          // Entries of removed instances go once they outnumber the live ones: rarely, and in one pass.
          entries.values().removeIf(old -> state.instance(old.of().id()) != old.of());
        }
      }
      return entry.json();
    }

    void clear() {
      entries.clear();
    }
  }
}
