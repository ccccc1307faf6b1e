package io.rainhub.hypervisor;

import static io.rainhub.bus.Addresses.*;

import io.rainhub.bus.BusFailure;
import io.rainhub.store.DatabaseConfig;
import io.rainhub.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Lock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the cloud's maps: registrations, components, instances and their placement,
 * wiring and sticky sessions. Decisions are taken on this verticle's event loop against
 * {@link CloudState} (so concurrent requests can never over-commit a mothership), then stored with
 * their events through {@link GroupCommit}; a request is answered only after its change committed.
 * Requests arrive validated by the API verticle.
 */
public class HypervisorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HypervisorVerticle.class);
  private static final long EXPIRY_SCAN_MILLIS = 200;
  static final String LEADER_LOCK = "rainhub.hypervisor.leader";

  private Store store;
  private CloudState state;
  private Placer placer;
  private PlacementStrategy strategy;
  private GroupCommit commits;
  private StickySessions sessions;
  /** TTL deadlines (epoch millis) of nodes registered with ttlSeconds; kept in memory only. */
  private final Map<String, Long> deadlines = new HashMap<>();
  private boolean reloading;
  private boolean stopped;
  /** Held while this hub is the cluster's hypervisor (clustered mode only). */
  private Lock leadership;

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    store = Store.open(vertx, DatabaseConfig.fromJson(conf.getJsonObject("database")));
    strategy = PlacementStrategy.parse(conf.getString("placementStrategy", "spread"));
    sessions = new StickySessions(conf.getInteger("maxSessions", 1_000_000),
        conf.getLong("sessionIdleMillis", 30 * 60_000L));
    commits = new GroupCommit(store, conf.getInteger("maxBatch", 256), this::reloadAfterFailedWrite);
    if (!vertx.isClustered()) {
      return lead();
    }
    // One writer per cluster: the hub holding the lock runs the hypervisor; the others wait to
    // take over, and their API verticles reach the leader over the clustered event bus.
    campaign();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (leadership != null) {
      leadership.release();
    }
    return store.close();
  }

  private void campaign() {
    if (stopped) {
      return;
    }
    vertx.sharedData().getLockWithTimeout(LEADER_LOCK, 5_000).onComplete(result -> {
      if (stopped) {
        if (result.succeeded()) {
          result.result().release();
        }
      } else if (result.succeeded()) {
        leadership = result.result();
        lead().onFailure(failure -> LOG.error("Could not start the hypervisor after winning the lock", failure));
      } else {
        campaign();
      }
    });
  }

  /** Loads the maps from the store and starts answering: the store is the truth at every takeover. */
  private Future<Void> lead() {
    return CloudLoader.load(store.pool()).compose(loaded -> {
      adopt(loaded);
      vertx.setPeriodic(EXPIRY_SCAN_MILLIS, tick -> expireOverdue());
      List<Future<Void>> registered = new ArrayList<>();
      operations().forEach((address, operation) -> registered.add(vertx.eventBus()
          .<JsonObject>consumer(address, message -> answer(message, operation)).completion()));
      LOG.info("This hub runs the hypervisor: {} rain server(s), {} mothership(s), {} component(s), {} instance(s);"
          + " strategy {}", state.servers().size(), state.motherships().size(), state.components().size(),
          state.instanceCount(), strategy.name().toLowerCase());
      return Future.all(registered).mapEmpty();
    });
  }

  private Map<String, Function<JsonObject, Future<?>>> operations() {
    Map<String, Function<JsonObject, Future<?>>> ops = new HashMap<>();
    ops.put(HV_SERVER_REGISTER, this::registerServer);
    ops.put(HV_SERVER_LIST, body -> list(state.servers().stream().map(s -> withExpiry(s.toJson(), s.id())).toList()));
    ops.put(HV_SERVER_URLS, body -> Future.succeededFuture(new JsonObject().put("id", body.getString("id"))
        .put("urls", server(body).urlsJson())));
    ops.put(HV_SERVER_RESET, this::resetServer);
    ops.put(HV_SERVER_UNREGISTER, this::unregisterServer);
    ops.put(HV_SERVER_HEARTBEAT, body -> {
      RainServer server = server(body);
      return heartbeat(server.id(), server.state(), server.ttlSeconds());
    });
    ops.put(HV_MOTHERSHIP_REGISTER, this::registerMothership);
    ops.put(HV_MOTHERSHIP_LIST, body -> list(state.motherships().stream().map(this::mothershipSummary).toList()));
    ops.put(HV_MOTHERSHIP_GET, body -> Future.succeededFuture(mothershipSummary(mothership(body))));
    ops.put(HV_MOTHERSHIP_INSTANCES, this::mothershipInstances);
    ops.put(HV_MOTHERSHIP_HEARTBEAT, body -> {
      Mothership mothership = mothership(body);
      return heartbeat(mothership.id(), mothership.state(), mothership.ttlSeconds());
    });
    ops.put(HV_MOTHERSHIP_DRAIN, this::drainMothership);
    ops.put(HV_COMPONENT_DEPLOY, this::deployComponent);
    ops.put(HV_COMPONENT_LIST, this::listComponents);
    ops.put(HV_COMPONENT_GET, this::componentDetails);
    ops.put(HV_COMPONENT_DESCRIPTOR, body -> Future.succeededFuture(component(body).descriptor()));
    ops.put(HV_COMPONENT_STATISTICS, this::componentStatistics);
    ops.put(HV_COMPONENT_INSTANTIATE, this::instantiate);
    ops.put(HV_COMPONENT_REFRESH, this::refreshComponent);
    ops.put(HV_COMPONENT_UNDEPLOY, this::undeployComponent);
    // The hottest read: answered with JSON encoded once per change of the instance.
    ops.put(HV_INSTANCE_GET, body -> Future.succeededFuture(state.encodedInstance(instance(body).id())));
    ops.put(HV_INSTANCE_CLUSTER, this::clusterInstance);
    ops.put(HV_INSTANCE_REFRESH, this::refreshInstance);
    ops.put(HV_INSTANCE_STOP, this::stopInstance);
    ops.put(HV_ROUTE, this::route);
    ops.put(HV_MAP, body -> Future.succeededFuture(InfrastructureMap.of(state)));
    return ops;
  }

  // --- rain servers

  private Future<JsonObject> registerServer(JsonObject body) {
    OffsetDateTime now = now();
    List<UrlPattern> urls = body.getJsonArray("urls").stream().map(u -> new UrlPattern((String) u)).toList();
    RainServer server = new RainServer(UUID.randomUUID().toString(), body.getString("name"),
        body.getString("address"), urls, body.getJsonObject("labels", new JsonObject()),
        body.getInteger("ttlSeconds"), null, NodeState.AVAILABLE, now);
    state.putServer(server);
    Change change = new Change()
        .sql(CloudSql.INSERT_SERVER, "id", server.id(), "name", server.name(), "address", server.address(),
            "urls", server.urlsJson().encode(), "labels", server.labels().encode(),
            "ttlSeconds", server.ttlSeconds(), "state", server.state().name(), "createdAt", now)
        .event("rainserver.registered", subject(server), server.toJson());
    wireAsNeeded(server, change);
    startTtl(server.id(), server.ttlSeconds());
    return commit(change, () -> withExpiry(server.toJson(), server.id()));
  }

  private Future<JsonObject> resetServer(JsonObject body) {
    RainServer server = server(body);
    Change change = new Change();
    for (String mothershipId : state.wiresOf(server.id())) {
      unwire(server.id(), mothershipId, change);
    }
    change.event("rainserver.reset", subject(server), server.toJson());
    startTtl(server.id(), server.ttlSeconds());
    return commit(change, () -> withExpiry(server.toJson(), server.id()));
  }

  private Future<JsonObject> unregisterServer(JsonObject body) {
    RainServer server = server(body);
    Change change = new Change();
    for (String mothershipId : state.wiresOf(server.id())) {
      unwire(server.id(), mothershipId, change);
    }
    state.removeServer(server.id());
    deadlines.remove(server.id());
    change.sql(CloudSql.DELETE_SERVER, "id", server.id())
        .event("rainserver.unregistered", subject(server), new JsonObject().put("id", server.id()));
    return commit(change, () -> new JsonObject().put("id", server.id()).put("state", "UNREGISTERED"));
  }

  // --- motherships

  private Future<JsonObject> registerMothership(JsonObject body) {
    OffsetDateTime now = now();
    Mothership mothership = new Mothership(UUID.randomUUID().toString(), body.getString("name"),
        body.getString("address"), Capacity.fromJson(body.getJsonObject("capacity")),
        body.getJsonObject("labels", new JsonObject()), body.getInteger("ttlSeconds"), null,
        NodeState.AVAILABLE, false, now);
    state.putMothership(mothership);
    Capacity capacity = mothership.capacity();
    Change change = new Change()
        .sql(CloudSql.INSERT_MOTHERSHIP, "id", mothership.id(), "name", mothership.name(),
            "address", mothership.address(), "cpu", capacity.cpu(), "ramMb", capacity.ramMb(),
            "bandwidthMbps", capacity.bandwidthMbps(), "labels", mothership.labels().encode(),
            "ttlSeconds", mothership.ttlSeconds(), "state", mothership.state().name(), "draining", false,
            "createdAt", now)
        .event("mothership.registered", subject(mothership), mothership.toJson());
    startTtl(mothership.id(), mothership.ttlSeconds());
    return commit(change, () -> mothershipSummary(mothership));
  }

  private Future<JsonObject> drainMothership(JsonObject body) {
    Mothership mothership = mothership(body).withDraining(body.getBoolean("draining"));
    state.putMothership(mothership);
    Change change = new Change()
        .sql(CloudSql.MOTHERSHIP_DRAINING, "id", mothership.id(), "draining", mothership.draining())
        .event(mothership.draining() ? "mothership.draining" : "mothership.undrained", subject(mothership),
            new JsonObject().put("id", mothership.id()).put("draining", mothership.draining()));
    return commit(change, () -> mothershipSummary(mothership));
  }

  private Future<JsonObject> mothershipInstances(JsonObject body) {
    Mothership mothership = mothership(body);
    List<JsonObject> items = new ArrayList<>();
    for (String instanceId : state.instanceIdsOn(mothership.id())) {
      Instance instance = state.instance(instanceId);
      JsonObject item = instance.toJson();
      instance.placements().stream().filter(p -> p.mothershipId().equals(mothership.id())).findFirst()
          .ifPresent(p -> item.put("role", p.role().name().toLowerCase()));
      items.add(item);
    }
    return Future.succeededFuture(new JsonObject().put("mothershipId", mothership.id())
        .put("items", new JsonArray(items)));
  }

  private JsonObject mothershipSummary(Mothership mothership) {
    Capacity reserved = state.reservedOn(mothership.id());
    return withExpiry(mothership.toJson(), mothership.id())
        .put("reserved", reserved.toJson())
        .put("free", mothership.capacity().minus(reserved).toJson())
        // Agents report real usage (the agents issue); until one does, there is none to show.
        .put("reportedUsage", null)
        .put("instanceCount", state.instanceIdsOn(mothership.id()).size());
  }

  // --- components

  private Future<JsonObject> deployComponent(JsonObject descriptor) {
    String id = descriptor.getString("id");
    String version = descriptor.getString("version");
    if (state.component(id, version) != null) {
      throw BusFailure.of(409, "Web component " + id + " version " + version + " is already deployed.", "version");
    }
    OffsetDateTime now = now();
    WebComponent component = WebComponent.fromDescriptor(descriptor, now);
    state.putComponent(component);
    Change change = new Change()
        .sql(CloudSql.INSERT_COMPONENT, "id", id, "version", version, "descriptor", descriptor.encode(),
            "createdAt", now)
        .event("webcomponent.deployed", "webcomponent/" + component.key(), component.summaryJson());
    return commit(change, component::summaryJson);
  }

  private Future<JsonObject> listComponents(JsonObject body) {
    int start = body.getInteger("start", 0);
    int range = body.getInteger("range", 50);
    List<JsonObject> page = state.components().stream().skip(start).limit(range)
        .map(c -> c.summaryJson().put("instanceCount", state.instancesOf(c).size())).toList();
    return Future.succeededFuture(new JsonObject().put("total", state.components().size()).put("start", start)
        .put("range", range).put("items", new JsonArray(page)));
  }

  private Future<JsonObject> componentDetails(JsonObject body) {
    WebComponent component = component(body);
    List<Instance> instances = state.instancesOf(component);
    Set<String> motherships = new LinkedHashSet<>();
    instances.forEach(i -> i.placements().forEach(p -> motherships.add(p.mothershipId())));
    return Future.succeededFuture(component.summaryJson()
        .put("descriptor", component.descriptor())
        .put("motherships", new JsonArray(new ArrayList<>(motherships)))
        .put("instances", new JsonArray(instances.stream().map(Instance::toJson).toList())));
  }

  private Future<JsonObject> componentStatistics(JsonObject body) {
    WebComponent component = component(body);
    JsonObject byState = new JsonObject();
    for (InstanceState s : InstanceState.values()) {
      byState.put(s.name(), 0);
    }
    Capacity reserved = Capacity.ZERO;
    int placements = 0;
    for (Instance instance : state.instancesOf(component)) {
      byState.put(instance.state().name(), byState.getInteger(instance.state().name()) + 1);
      for (Instance.Placement placement : instance.placements()) {
        reserved = reserved.plus(placement.reserved());
        placements++;
      }
    }
    return Future.succeededFuture(new JsonObject().put("id", component.id()).put("version", component.version())
        .put("instances", state.instancesOf(component).size()).put("placements", placements)
        .put("instancesByState", byState).put("reserved", reserved.toJson()).put("reportedUsage", null));
  }

  private Future<JsonObject> instantiate(JsonObject body) {
    WebComponent component = component(body);
    Placer.Outcome outcome = placer.choose(component, component.replicas(), Set.of());
    if (!outcome.placed()) {
      throw refusal(component, outcome, component.replicas());
    }
    List<Instance.Placement> placements = new ArrayList<>();
    for (int i = 0; i < outcome.chosen().size(); i++) {
      placements.add(new Instance.Placement(outcome.chosen().get(i),
          i == 0 ? Instance.Role.PRIMARY : Instance.Role.REPLICA, component.resources()));
    }
    OffsetDateTime now = now();
    Instance instance = new Instance(UUID.randomUUID().toString(), component.id(), component.version(),
        InstanceState.PLACED, 0, placements, now);
    state.putInstance(instance);
    Change change = new Change().sql(CloudSql.INSERT_INSTANCE, "id", instance.id(), "componentId", component.id(),
        "version", component.version(), "state", instance.state().name(), "generation", 0, "createdAt", now);
    placements.forEach(p -> insertPlacement(instance, p, change));
    change.event("instance.placed", "instance/" + instance.id(), instance.toJson());
    wireServersFor(component, outcome.chosen(), change);
    return commit(change, () -> instance.toJson().put("mothershipId", placements.get(0).mothershipId()));
  }

  private Future<JsonObject> refreshComponent(JsonObject body) {
    WebComponent component = component(body);
    Change change = new Change();
    List<Instance> refreshed = new ArrayList<>();
    for (Instance instance : state.instancesOf(component)) {
      refreshed.add(refresh(instance, change));
    }
    change.event("webcomponent.refreshed", "webcomponent/" + component.key(),
        new JsonObject().put("instances", refreshed.size()));
    return commit(change, () -> new JsonObject().put("id", component.id()).put("version", component.version())
        .put("refreshed", new JsonArray(refreshed.stream().map(Instance::toJson).toList())));
  }

  private Future<JsonObject> undeployComponent(JsonObject body) {
    WebComponent component = component(body);
    Change change = new Change();
    List<Instance> instances = state.instancesOf(component);
    for (Instance instance : instances) {
      stop(instance, change);
    }
    state.removeComponent(component);
    change.sql(CloudSql.DELETE_COMPONENT, "id", component.id(), "version", component.version())
        .event("webcomponent.undeployed", "webcomponent/" + component.key(),
            new JsonObject().put("id", component.id()).put("version", component.version())
                .put("stoppedInstances", instances.size()));
    return commit(change, () -> new JsonObject().put("id", component.id()).put("version", component.version())
        .put("stoppedInstances", instances.size()));
  }

  // --- instances

  private Future<JsonObject> clusterInstance(JsonObject body) {
    Instance instance = instance(body);
    WebComponent component = state.component(instance.componentId(), instance.version());
    Set<String> current = new LinkedHashSet<>();
    instance.placements().forEach(p -> current.add(p.mothershipId()));
    String target = body.getString("mothershipId");
    if (target != null) {
      Mothership requested = state.mothership(target);
      if (requested == null) {
        throw BusFailure.of(404, "No mothership " + target + ".", "mothershipId");
      }
      if (current.contains(target)) {
        throw BusFailure.of(409, "Instance " + instance.id() + " already runs on mothership " + target + ".",
            "mothershipId");
      }
    }
    Placer.Outcome outcome = target == null
        ? placer.choose(component, 1, current)
        : placer.chooseOnly(component, target);
    if (!outcome.placed()) {
      throw refusal(component, outcome, 1);
    }
    Instance.Placement replica = new Instance.Placement(outcome.chosen().get(0), Instance.Role.REPLICA,
        component.resources());
    List<Instance.Placement> placements = new ArrayList<>(instance.placements());
    placements.add(replica);
    Instance clustered = instance.withPlacements(placements).withState(
        instance.state() == InstanceState.UNPLACED ? InstanceState.PLACED : instance.state());
    state.putInstance(clustered);
    Change change = new Change();
    insertPlacement(clustered, replica, change);
    if (clustered.state() != instance.state()) {
      change.sql(CloudSql.INSTANCE_STATE, "id", clustered.id(), "state", clustered.state().name());
    }
    change.event("instance.clustered", "instance/" + clustered.id(), clustered.toJson());
    wireServersFor(component, List.of(replica.mothershipId()), change);
    return commit(change, () -> clustered.toJson().put("mothershipId", replica.mothershipId()));
  }

  private Future<JsonObject> refreshInstance(JsonObject body) {
    Change change = new Change();
    Instance refreshed = refresh(instance(body), change);
    return commit(change, refreshed::toJson);
  }

  private Future<JsonObject> stopInstance(JsonObject body) {
    Instance instance = instance(body);
    Change change = new Change();
    stop(instance, change);
    return commit(change, () -> instance.withState(InstanceState.STOPPED).toJson());
  }

  private Instance refresh(Instance instance, Change change) {
    Instance refreshed = instance.refreshed();
    state.putInstance(refreshed);
    change.sql(CloudSql.INSTANCE_GENERATION, "id", refreshed.id(), "generation", refreshed.generation())
        .event("instance.refreshed", "instance/" + refreshed.id(), refreshed.toJson());
    return refreshed;
  }

  /** Removes the instance, releases what it reserved and drops wiring nothing needs any more. */
  private void stop(Instance instance, Change change) {
    state.removeInstance(instance.id());
    change.sql(CloudSql.DELETE_PLACEMENTS_OF_INSTANCE, "instanceId", instance.id())
        .sql(CloudSql.DELETE_INSTANCE, "id", instance.id())
        .event("instance.stopped", "instance/" + instance.id(), instance.withState(InstanceState.STOPPED).toJson());
    instance.placements().forEach(p -> unwireUnneeded(p.mothershipId(), change));
  }

  private void insertPlacement(Instance instance, Instance.Placement placement, Change change) {
    Capacity reserved = placement.reserved();
    change.sql(CloudSql.INSERT_PLACEMENT, "instanceId", instance.id(), "mothershipId", placement.mothershipId(),
        "role", placement.role().name(), "cpu", reserved.cpu(), "ramMb", reserved.ramMb(),
        "bandwidthMbps", reserved.bandwidthMbps());
  }

  private ReplyException refusal(WebComponent component, Placer.Outcome outcome, int wanted) {
    Capacity need = component.resources();
    JsonObject ruledOut = outcome.ruledOut();
    boolean noMotherships = ruledOut.getInteger("considered") == 0;
    String detail = noMotherships
        ? "No mothership is registered: nothing can host " + component.key() + " yet."
        : "No room for " + component.key() + " (" + wanted + " placement(s) of cpu " + need.cpu() + ", ramMb "
            + need.ramMb() + ", bandwidthMbps " + need.bandwidthMbps() + "): of " + ruledOut.getInteger("considered")
            + " mothership(s), " + describe(ruledOut) + ".";
    return BusFailure.of(noMotherships ? 503 : 409, detail, null, new JsonObject().put("ruledOut", ruledOut));
  }

  private static String describe(JsonObject ruledOut) {
    List<String> parts = new ArrayList<>();
    for (String key : ruledOut.fieldNames()) {
      if (!key.equals("considered") && ruledOut.getInteger(key) > 0) {
        parts.add(ruledOut.getInteger(key) + " " + key);
      }
    }
    return parts.isEmpty() ? "none fit" : String.join(", ", parts);
  }

  // --- wiring

  /** Wires every available server rendering the component's URLs to the given motherships. */
  private void wireServersFor(WebComponent component, List<String> mothershipIds, Change change) {
    for (RainServer server : state.servers()) {
      if (!server.available() || !UrlPattern.anyOverlap(server.urls(), component.urls())) {
        continue;
      }
      for (String mothershipId : mothershipIds) {
        if (!state.wired(server.id(), mothershipId)) {
          wire(server.id(), mothershipId, change);
        }
      }
    }
  }

  /** Wires {@code server} to whatever it needs now (after registration, or when routed to after a reset). */
  private void wireAsNeeded(RainServer server, Change change) {
    for (String mothershipId : state.neededWires(server)) {
      if (!state.wired(server.id(), mothershipId)) {
        wire(server.id(), mothershipId, change);
      }
    }
  }

  private void unwireUnneeded(String mothershipId, Change change) {
    for (String serverId : state.serversWiredTo(mothershipId)) {
      RainServer server = state.server(serverId);
      if (server == null || !state.wireNeeded(server, mothershipId)) {
        unwire(serverId, mothershipId, change);
      }
    }
  }

  private void wire(String serverId, String mothershipId, Change change) {
    state.wire(serverId, mothershipId);
    change.sql(CloudSql.INSERT_WIRE, "serverId", serverId, "mothershipId", mothershipId)
        .event("wiring.added", "rainserver/" + serverId,
            new JsonObject().put("rainServerId", serverId).put("mothershipId", mothershipId));
  }

  private void unwire(String serverId, String mothershipId, Change change) {
    state.unwire(serverId, mothershipId);
    change.sql(CloudSql.DELETE_WIRE, "serverId", serverId, "mothershipId", mothershipId)
        .event("wiring.removed", "rainserver/" + serverId,
            new JsonObject().put("rainServerId", serverId).put("mothershipId", mothershipId));
  }

  // --- sticky routing

  private Future<JsonObject> route(JsonObject body) {
    String url = body.getString("url");
    String session = body.getString("session");
    long nowMillis = System.currentTimeMillis();
    String previous = sessions.serverOf(session, nowMillis);
    RainServer pinned = previous == null ? null : state.server(previous);
    boolean stillGood = pinned != null && pinned.available() && pinned.urls().stream().anyMatch(p -> p.matches(url));
    RainServer chosen = stillGood ? pinned : leastLoaded(url);
    if (chosen == null) {
      throw BusFailure.of(404, "No available rain server renders " + url + ".", "url");
    }
    sessions.assign(session, chosen.id(), nowMillis);
    JsonObject answer = new JsonObject().put("url", url).put("session", session)
        .put("rainServer", new JsonObject().put("id", chosen.id()).put("name", chosen.name())
            .put("address", chosen.address()))
        .put("sticky", stillGood).put("moved", previous != null && !stillGood);
    if (previous != null && !stillGood) {
      answer.put("previousRainServerId", previous);
    }
    // A server that was reset is re-wired when it is next needed: now.
    Change change = new Change();
    wireAsNeeded(chosen, change);
    return change.isEmpty() ? Future.succeededFuture(answer) : commit(change, () -> answer);
  }

  private RainServer leastLoaded(String url) {
    return state.servers().stream()
        .filter(s -> s.available() && s.urls().stream().anyMatch(p -> p.matches(url)))
        .min(Comparator.comparingInt((RainServer s) -> sessions.load(s.id())).thenComparing(RainServer::id))
        .orElse(null);
  }

  // --- discovery expiry

  private void startTtl(String nodeId, Integer ttlSeconds) {
    if (ttlSeconds != null) {
      deadlines.put(nodeId, System.currentTimeMillis() + ttlSeconds * 1000L);
    }
  }

  private Future<JsonObject> heartbeat(String nodeId, NodeState nodeState, Integer ttlSeconds) {
    if (nodeState == NodeState.EXPIRED) {
      throw BusFailure.of(409, "Registration " + nodeId + " expired; register again.", null);
    }
    startTtl(nodeId, ttlSeconds);
    return Future.succeededFuture(withExpiry(new JsonObject().put("id", nodeId).put("state", nodeState.name()), nodeId));
  }

  private JsonObject withExpiry(JsonObject json, String nodeId) {
    Long deadline = deadlines.get(nodeId);
    return json.put("expiresAt", deadline == null ? null
        : OffsetDateTime.ofInstant(java.time.Instant.ofEpochMilli(deadline), ZoneOffset.UTC).toString());
  }

  private void expireOverdue() {
    if (reloading || deadlines.isEmpty()) {
      return;
    }
    long nowMillis = System.currentTimeMillis();
    List<String> overdue = deadlines.entrySet().stream().filter(e -> e.getValue() <= nowMillis)
        .map(Map.Entry::getKey).toList();
    for (String nodeId : overdue) {
      deadlines.remove(nodeId);
      Change change = new Change();
      if (state.mothership(nodeId) != null) {
        expireMothership(state.mothership(nodeId), change);
      } else if (state.server(nodeId) != null) {
        expireServer(state.server(nodeId), change);
      }
      commit(change, JsonObject::new).onFailure(failure -> LOG.warn("Could not store expiry of {}", nodeId, failure));
    }
  }

  /** Releases the mothership's capacity: its placements go, instances left with none are UNPLACED. */
  private void expireMothership(Mothership mothership, Change change) {
    Mothership expired = mothership.withState(NodeState.EXPIRED);
    state.putMothership(expired);
    JsonArray affected = new JsonArray();
    for (String instanceId : List.copyOf(state.instanceIdsOn(mothership.id()))) {
      Instance instance = state.instance(instanceId);
      List<Instance.Placement> remaining = new ArrayList<>(instance.placements().stream()
          .filter(p -> !p.mothershipId().equals(mothership.id())).toList());
      change.sql(CloudSql.DELETE_PLACEMENT, "instanceId", instanceId, "mothershipId", mothership.id());
      if (!remaining.isEmpty() && remaining.stream().noneMatch(p -> p.role() == Instance.Role.PRIMARY)) {
        // The primary went away: its first replica takes over.
        Instance.Placement promoted = remaining.get(0);
        remaining.set(0, new Instance.Placement(promoted.mothershipId(), Instance.Role.PRIMARY, promoted.reserved()));
        change.sql(CloudSql.PLACEMENT_ROLE, "instanceId", instanceId, "mothershipId", promoted.mothershipId(),
            "role", Instance.Role.PRIMARY.name());
      }
      Instance updated = instance.withPlacements(remaining)
          .withState(remaining.isEmpty() ? InstanceState.UNPLACED : instance.state());
      state.putInstance(updated);
      if (updated.state() != instance.state()) {
        change.sql(CloudSql.INSTANCE_STATE, "id", instanceId, "state", updated.state().name())
            .event("instance.unplaced", "instance/" + instanceId, updated.toJson());
      }
      affected.add(instanceId);
    }
    for (String serverId : state.serversWiredTo(mothership.id())) {
      unwire(serverId, mothership.id(), change);
    }
    change.sql(CloudSql.MOTHERSHIP_STATE, "id", mothership.id(), "state", NodeState.EXPIRED.name())
        .event("mothership.expired", subject(mothership), new JsonObject().put("id", mothership.id())
            .put("releasedInstances", affected));
  }

  private void expireServer(RainServer server, Change change) {
    state.putServer(server.withState(NodeState.EXPIRED));
    for (String mothershipId : state.wiresOf(server.id())) {
      unwire(server.id(), mothershipId, change);
    }
    change.sql(CloudSql.SERVER_STATE, "id", server.id(), "state", NodeState.EXPIRED.name())
        .event("rainserver.expired", subject(server), new JsonObject().put("id", server.id()));
  }

  // --- plumbing

  /** Stores the change; answers with {@code reply} (computed after commit) or the storage failure. */
  private Future<JsonObject> commit(Change change, java.util.function.Supplier<JsonObject> reply) {
    return commits.submit(change).map(stored -> reply.get());
  }

  /**
   * A failed write leaves memory ahead of the store: throw memory away and reload what was really
   * committed. Requests arriving meanwhile get 503.
   */
  private void reloadAfterFailedWrite(Throwable failure) {
    LOG.error("A write to the store failed; reloading the hypervisor's maps from the store", failure);
    reloading = true;
    reload();
  }

  private void reload() {
    if (!commits.idle()) {
      vertx.setTimer(50, t -> reload());
      return;
    }
    CloudLoader.load(store.pool()).onComplete(result -> {
      if (result.succeeded()) {
        adopt(result.result());
        reloading = false;
        LOG.info("Hypervisor maps reloaded from the store");
      } else {
        LOG.error("Reload failed; retrying in 1 s", result.cause());
        vertx.setTimer(1000, t -> reload());
      }
    });
  }

  private void adopt(CloudState loaded) {
    state = loaded;
    placer = new Placer(state, strategy);
    // Nodes registered with a TTL get a full TTL from now: deadlines were not stored.
    deadlines.clear();
    state.servers().stream().filter(RainServer::available).forEach(s -> startTtl(s.id(), s.ttlSeconds()));
    state.motherships().stream().filter(Mothership::available).forEach(m -> startTtl(m.id(), m.ttlSeconds()));
  }

  private void answer(Message<JsonObject> message, Function<JsonObject, Future<?>> operation) {
    if (reloading) {
      BusFailure.reply(message, 503, "The hypervisor is reloading after a storage failure; retry shortly.", null);
      return;
    }
    Future<?> result;
    try {
      result = operation.apply(message.body());
    } catch (ReplyException domain) {
      message.fail(domain.failureCode(), domain.getMessage());
      return;
    } catch (RuntimeException bug) {
      LOG.error("{} failed on {}", message.address(), message.body().encode(), bug);
      BusFailure.reply(message, 500, "The hypervisor failed; see the hub log.", null);
      return;
    }
    result.onSuccess(message::reply).onFailure(failure -> {
      if (failure instanceof ReplyException domain) {
        message.fail(domain.failureCode(), domain.getMessage());
      } else {
        LOG.error("{}: storing the change failed", message.address(), failure);
        BusFailure.reply(message, 503, "The change could not be stored; it was not applied. Retry.", null);
      }
    });
  }

  private static Future<JsonObject> list(List<JsonObject> items) {
    return Future.succeededFuture(new JsonObject().put("items", new JsonArray(items)));
  }

  private RainServer server(JsonObject body) {
    RainServer server = state.server(body.getString("id"));
    if (server == null) {
      throw BusFailure.of(404, "No rain server " + body.getString("id") + ".", null);
    }
    return server;
  }

  private Mothership mothership(JsonObject body) {
    Mothership mothership = state.mothership(body.getString("id"));
    if (mothership == null) {
      throw BusFailure.of(404, "No mothership " + body.getString("id") + ".", null);
    }
    return mothership;
  }

  private WebComponent component(JsonObject body) {
    WebComponent component = state.component(body.getString("id"), body.getString("version"));
    if (component == null) {
      throw BusFailure.of(404, "No web component " + body.getString("id") + " version "
          + body.getString("version") + " is deployed.", null);
    }
    return component;
  }

  private Instance instance(JsonObject body) {
    Instance instance = state.instance(body.getString("instanceId"));
    if (instance == null) {
      throw BusFailure.of(404, "No instance " + body.getString("instanceId") + ".", null);
    }
    return instance;
  }

  private static String subject(RainServer server) {
    return "rainserver/" + server.id();
  }

  private static String subject(Mothership mothership) {
    return "mothership/" + mothership.id();
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }
}
