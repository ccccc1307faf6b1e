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
  private static final long SCAN_MILLIS = 100;
  static final String LEADER_LOCK = "rainhub.hypervisor.leader";

  private Store store;
  private CloudState state;
  private Placer placer;
  private PlacementStrategy strategy;
  private GroupCommit commits;
  private StickySessions sessions;
  private boolean reloading;
  private boolean stopped;
  /** Held while this hub is the cluster's hypervisor (clustered mode only). */
  private Lock leadership;
  private Outbox outbox;
  private Liveness liveness;
  private long commandExpiryMillis;
  private boolean rescheduleLost;
  /** Pending stop commands of each STOPPING instance: it is removed when the last one finishes. */
  private final Map<String, Set<String>> stopsInFlight = new HashMap<>();

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    store = Store.open(vertx, DatabaseConfig.fromJson(conf.getJsonObject("database")));
    strategy = PlacementStrategy.parse(conf.getString("placementStrategy", "spread"));
    sessions = new StickySessions(conf.getInteger("maxSessions", 1_000_000),
        conf.getLong("sessionIdleMillis", 30 * 60_000L));
    commits = new GroupCommit(store, conf.getInteger("maxBatch", 256), this::reloadAfterFailedWrite);
    liveness = new Liveness(conf.getLong("heartbeatIntervalMs", 1_000L), conf.getLong("agentTtlMs", 3_000L));
    commandExpiryMillis = conf.getLong("commandExpirySeconds", 3_600L) * 1000;
    rescheduleLost = !"release".equals(conf.getString("lostPolicy", "reschedule"));
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
    return loadAll().compose(loaded -> {
      adopt(loaded);
      vertx.setPeriodic(SCAN_MILLIS, tick -> scan());
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
    ops.put(HV_AGENT_HELLO, this::hello);
    ops.put(HV_AGENT_HEARTBEAT, this::agentHeartbeat);
    ops.put(HV_AGENT_PENDING, body -> Future.succeededFuture(new JsonObject().put("commands", new JsonArray(
        outbox.storedPendingFor(agentNode(body).nodeId()).stream().map(AgentCommand::frame).toList()))));
    ops.put(HV_AGENT_RESULT, this::commandResult);
    ops.put(HV_AGENT_EVENT, this::agentEvent);
    ops.put(HV_AGENT_LIST, body -> list(state.agentNodes().stream().map(this::agentSummary).toList()));
    ops.put(HV_COMMAND_SEND, this::sendCommand);
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
    for (String mothershipId : List.copyOf(state.wiresOf(server.id()))) {
      dropWire(server.id(), mothershipId, change);
    }
    command(server.id(), "reset", new JsonObject(), change);
    change.event("rainserver.reset", subject(server), server.toJson());
    startTtl(server.id(), server.ttlSeconds());
    return commit(change, () -> withExpiry(server.toJson(), server.id()));
  }

  private Future<JsonObject> unregisterServer(JsonObject body) {
    RainServer server = server(body);
    Change change = new Change();
    for (String mothershipId : List.copyOf(state.wiresOf(server.id()))) {
      unwire(server.id(), mothershipId, change);
    }
    state.removeServer(server.id());
    liveness.forget(server.id());
    if (state.removeAgentNode(server.id())) {
      change.sql(CloudSql.DELETE_AGENT_NODE, "nodeId", server.id());
    }
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
    placeUnplaced(change);
    return commit(change, () -> mothershipSummary(mothership));
  }

  private Future<JsonObject> drainMothership(JsonObject body) {
    Mothership mothership = mothership(body).withDraining(body.getBoolean("draining"));
    state.putMothership(mothership);
    Change change = new Change()
        .sql(CloudSql.MOTHERSHIP_DRAINING, "id", mothership.id(), "draining", mothership.draining())
        .event(mothership.draining() ? "mothership.draining" : "mothership.undrained", subject(mothership),
            new JsonObject().put("id", mothership.id()).put("draining", mothership.draining()));
    if (!mothership.draining()) {
      placeUnplaced(change);
    }
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
        // What the node's agent last reported; null while no agent reports for it.
        .put("reportedUsage", liveness.metrics(mothership.id()))
        .put("agentManaged", state.agentManaged(mothership.id()))
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
    placements.forEach(p -> startOn(instance, p, change));
    wireServersFor(component, outcome.chosen(), change);
    return commit(change, () -> instance.toJson().put("mothershipId", placements.get(0).mothershipId()));
  }

  private Future<JsonObject> refreshComponent(JsonObject body) {
    WebComponent component = component(body);
    Change change = new Change();
    List<Instance> refreshed = new ArrayList<>();
    for (Instance instance : state.instancesOf(component)) {
      if (instance.state() != InstanceState.STOPPING) {
        refreshed.add(refresh(instance, change));
      }
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
      if (instance.state() != InstanceState.STOPPING) {
        stop(instance, change);
      }
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
    Instance instance = running(instance(body));
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
    startOn(clustered, replica, change);
    wireServersFor(component, List.of(replica.mothershipId()), change);
    return commit(change, () -> clustered.toJson().put("mothershipId", replica.mothershipId()));
  }

  private Future<JsonObject> refreshInstance(JsonObject body) {
    Change change = new Change();
    Instance refreshed = refresh(running(instance(body)), change);
    return commit(change, refreshed::toJson);
  }

  private Future<JsonObject> stopInstance(JsonObject body) {
    Instance instance = instance(body);
    if (instance.state() == InstanceState.STOPPING) {
      return Future.succeededFuture(instance.toJson());
    }
    Change change = new Change();
    Instance stopped = stop(instance, change);
    return commit(change, stopped::toJson);
  }

  /** Instances being stopped take no more changes. */
  private static Instance running(Instance instance) {
    if (instance.state() == InstanceState.STOPPING) {
      throw BusFailure.of(409, "Instance " + instance.id() + " is stopping.", null);
    }
    return instance;
  }

  /** Tells the agent of the placement's mothership (if it has one) to start the instance. */
  private void startOn(Instance instance, Instance.Placement placement, Change change) {
    command(placement.mothershipId(), "instantiate", new JsonObject().put("instanceId", instance.id())
        .put("componentId", instance.componentId()).put("version", instance.version())
        .put("role", placement.role().name().toLowerCase()).put("generation", instance.generation())
        .put("resources", placement.reserved().toJson()), change);
  }

  private Instance refresh(Instance instance, Change change) {
    Instance refreshed = instance.refreshed();
    state.putInstance(refreshed);
    change.sql(CloudSql.INSTANCE_GENERATION, "id", refreshed.id(), "generation", refreshed.generation())
        .event("instance.refreshed", "instance/" + refreshed.id(), refreshed.toJson());
    for (Instance.Placement placement : refreshed.placements()) {
      command(placement.mothershipId(), "refresh", instanceArgs(refreshed).put("generation", refreshed.generation()),
          change);
    }
    return refreshed;
  }

  /**
   * Stops the instance. Placements on motherships whose agents can hear it are told to stop, and the
   * instance holds its capacity (STOPPING) until they confirm; without any, it is removed at once.
   */
  private Instance stop(Instance instance, Change change) {
    Set<String> stops = new LinkedHashSet<>();
    for (Instance.Placement placement : instance.placements()) {
      AgentCommand sent = command(placement.mothershipId(), "stop", instanceArgs(instance), change);
      if (sent != null) {
        stops.add(sent.id());
      }
    }
    if (stops.isEmpty()) {
      remove(instance, change);
      return instance.withState(InstanceState.STOPPED);
    }
    Instance stopping = instance.withState(InstanceState.STOPPING);
    state.putInstance(stopping);
    stopsInFlight.put(instance.id(), stops);
    change.sql(CloudSql.INSTANCE_STATE, "id", instance.id(), "state", stopping.state().name())
        .event("instance.stopping", "instance/" + instance.id(), stopping.toJson());
    return stopping;
  }

  private static JsonObject instanceArgs(Instance instance) {
    return new JsonObject().put("instanceId", instance.id()).put("componentId", instance.componentId())
        .put("version", instance.version());
  }

  /** Removes the instance, releases what it reserved and drops wiring nothing needs any more. */
  private void remove(Instance instance, Change change) {
    stopsInFlight.remove(instance.id());
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
    command(serverId, "connect", wireArgs(mothershipId), change);
  }

  /** Drops the wire and tells the rain server's agent to disconnect. */
  private void unwire(String serverId, String mothershipId, Change change) {
    dropWire(serverId, mothershipId, change);
    command(serverId, "disconnect", wireArgs(mothershipId), change);
  }

  private JsonObject wireArgs(String mothershipId) {
    Mothership mothership = state.mothership(mothershipId);
    return new JsonObject().put("mothershipId", mothershipId)
        .put("address", mothership == null ? null : mothership.address());
  }

  /** Drops the wire without telling the server: it was reset, or cannot be reached. */
  private void dropWire(String serverId, String mothershipId, Change change) {
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
    liveness.startTtl(nodeId, ttlSeconds, System.currentTimeMillis());
  }

  private Future<JsonObject> heartbeat(String nodeId, NodeState nodeState, Integer ttlSeconds) {
    if (nodeState == NodeState.EXPIRED) {
      throw BusFailure.of(409, "Registration " + nodeId + " expired; register again.", null);
    }
    startTtl(nodeId, ttlSeconds);
    return Future.succeededFuture(withExpiry(new JsonObject().put("id", nodeId).put("state", nodeState.name()), nodeId));
  }

  private JsonObject withExpiry(JsonObject json, String nodeId) {
    Long deadline = liveness.deadline(nodeId);
    return json.put("expiresAt", deadline == null ? null
        : OffsetDateTime.ofInstant(java.time.Instant.ofEpochMilli(deadline), ZoneOffset.UTC).toString());
  }

  /** Runs every {@value #SCAN_MILLIS} ms: REST TTL expiry, agent liveness, command expiry. */
  private void scan() {
    if (reloading) {
      return;
    }
    long nowMillis = System.currentTimeMillis();
    expireOverdue(nowMillis);
    watchHeartbeats(nowMillis);
    expireCommands();
  }

  private void expireOverdue(long nowMillis) {
    for (String nodeId : liveness.expired(nowMillis)) {
      Change change = new Change();
      if (state.mothership(nodeId) != null) {
        releaseMothership(state.mothership(nodeId), NodeState.EXPIRED, false, change);
      } else if (state.server(nodeId) != null) {
        releaseServer(state.server(nodeId), NodeState.EXPIRED, change);
      }
      commit(change, JsonObject::new).onFailure(failure -> LOG.warn("Could not store expiry of {}", nodeId, failure));
    }
  }

  /**
   * Releases the mothership's capacity: its placements go; a lost primary is replaced by its first
   * replica; with {@code reschedule}, each lost placement is placed again elsewhere if there is room,
   * else an instance left with no placement is UNPLACED.
   */
  private void releaseMothership(Mothership mothership, NodeState newState, boolean reschedule, Change change) {
    state.putMothership(mothership.withState(newState));
    JsonArray affected = new JsonArray();
    for (String instanceId : List.copyOf(state.instanceIdsOn(mothership.id()))) {
      Instance instance = state.instance(instanceId);
      List<Instance.Placement> remaining = new ArrayList<>(instance.placements().stream()
          .filter(p -> !p.mothershipId().equals(mothership.id())).toList());
      change.sql(CloudSql.DELETE_PLACEMENT, "instanceId", instanceId, "mothershipId", mothership.id());
      affected.add(instanceId);
      if (instance.state() == InstanceState.STOPPING) {
        // A lost node stops nothing: stop waiting for it.
        Instance stopping = instance.withPlacements(remaining);
        state.putInstance(stopping);
        Set<String> stops = stopsInFlight.getOrDefault(instanceId, new LinkedHashSet<>());
        stops.removeIf(id -> outbox.pending(id) == null || outbox.pending(id).nodeId().equals(mothership.id()));
        if (remaining.isEmpty() || stops.isEmpty()) {
          remove(stopping, change);
        }
        continue;
      }
      if (!remaining.isEmpty() && remaining.stream().noneMatch(p -> p.role() == Instance.Role.PRIMARY)) {
        // The primary went away: its first replica takes over.
        Instance.Placement promoted = remaining.get(0);
        remaining.set(0, new Instance.Placement(promoted.mothershipId(), Instance.Role.PRIMARY, promoted.reserved()));
        change.sql(CloudSql.PLACEMENT_ROLE, "instanceId", instanceId, "mothershipId", promoted.mothershipId(),
            "role", Instance.Role.PRIMARY.name());
      }
      Instance updated = instance.withPlacements(remaining);
      if (reschedule) {
        updated = reschedule(updated, mothership.id(), change);
      }
      if (updated.placements().isEmpty()) {
        updated = updated.withState(InstanceState.UNPLACED);
      }
      state.putInstance(updated);
      if (updated.state() != instance.state()) {
        change.sql(CloudSql.INSTANCE_STATE, "id", instanceId, "state", updated.state().name());
        if (updated.state() == InstanceState.UNPLACED) {
          change.event("instance.unplaced", "instance/" + instanceId, updated.toJson());
        }
      }
    }
    for (String serverId : List.copyOf(state.serversWiredTo(mothership.id()))) {
      unwire(serverId, mothership.id(), change);
    }
    change.sql(CloudSql.MOTHERSHIP_STATE, "id", mothership.id(), "state", newState.name());
    if (newState == NodeState.EXPIRED) {
      change.event("mothership.expired", subject(mothership), new JsonObject().put("id", mothership.id())
          .put("releasedInstances", affected));
    } else {
      change.event("node.lost", "node/" + mothership.id(), new JsonObject().put("nodeId", mothership.id())
          .put("kind", "mothership").put("releasedInstances", affected));
    }
  }

  /** Places one replacement for a placement lost on {@code lostOn}; the instance unchanged if none fits. */
  private Instance reschedule(Instance instance, String lostOn, Change change) {
    WebComponent component = state.component(instance.componentId(), instance.version());
    if (component == null) {
      return instance;
    }
    Set<String> excluded = new LinkedHashSet<>();
    if (lostOn != null) {
      excluded.add(lostOn);
    }
    instance.placements().forEach(p -> excluded.add(p.mothershipId()));
    Placer.Outcome outcome = placer.choose(component, 1, excluded);
    if (!outcome.placed()) {
      return instance;
    }
    boolean primary = instance.placements().isEmpty();
    Instance.Placement replacement = new Instance.Placement(outcome.chosen().get(0),
        primary ? Instance.Role.PRIMARY : Instance.Role.REPLICA, component.resources());
    List<Instance.Placement> placements = new ArrayList<>(instance.placements());
    placements.add(replacement);
    // A new primary starts from scratch: PLACED until its agent reports it running.
    Instance moved = instance.withPlacements(placements).withState(primary ? InstanceState.PLACED : instance.state());
    state.putInstance(moved);
    insertPlacement(moved, replacement, change);
    change.event("instance.rescheduled", "instance/" + moved.id(), moved.toJson().put("from", lostOn)
        .put("to", replacement.mothershipId()));
    startOn(moved, replacement, change);
    wireServersFor(component, List.of(replacement.mothershipId()), change);
    return moved;
  }

  private void releaseServer(RainServer server, NodeState newState, Change change) {
    state.putServer(server.withState(newState));
    for (String mothershipId : List.copyOf(state.wiresOf(server.id()))) {
      dropWire(server.id(), mothershipId, change);
    }
    change.sql(CloudSql.SERVER_STATE, "id", server.id(), "state", newState.name());
    if (newState == NodeState.EXPIRED) {
      change.event("rainserver.expired", subject(server), new JsonObject().put("id", server.id()));
    } else {
      change.event("node.lost", "node/" + server.id(), new JsonObject().put("nodeId", server.id()).put("kind", "rainserver"));
    }
  }

  // --- agents: hello, heartbeats and liveness

  /**
   * An agent's hello: finds its node (by the id a previous welcome gave, else by kind and name) or
   * registers one, marks it agent-managed and online. A node that was LOST or EXPIRED returns.
   */
  private Future<JsonObject> hello(JsonObject hello) {
    AgentNode.NodeKind kind = AgentNode.NodeKind.parse(hello.getString("kind"));
    OffsetDateTime now = now();
    Change change = new Change();
    String nodeId = findNode(kind, hello.getString("nodeId"), hello.getString("name"));
    if (nodeId == null) {
      nodeId = registerForAgent(kind, hello, now, change);
    }
    AgentNode known = state.agentNode(nodeId);
    AgentNode node = known != null ? known.withAgentVersion(hello.getString("agentVersion"))
        : new AgentNode(nodeId, kind, hello.getString("name"), hello.getString("address"),
            hello.getString("agentVersion"), NodeState.AVAILABLE, now);
    if (known == null) {
      state.putAgentNode(node);
      change.sql(CloudSql.INSERT_AGENT_NODE, "nodeId", nodeId, "kind", kind.wireName(), "name", node.name(),
          "address", node.address(), "agentVersion", node.agentVersion(), "state", NodeState.AVAILABLE.name(),
          "createdAt", now);
    } else {
      state.putAgentNode(node);
      // Its state is written by comeOnline below.
      change.sql(CloudSql.AGENT_NODE_VERSION, "nodeId", nodeId, "agentVersion", node.agentVersion());
    }
    NodeState before = nodeState(nodeId);
    // The agent's heartbeats now say whether the node lives; a REST TTL no longer applies.
    liveness.heard(nodeId, System.currentTimeMillis());
    comeOnline(nodeId, before, change);
    reconcile(nodeId, hello.getJsonArray("instances"), change);
    if (state.mothership(nodeId) != null) {
      placeUnplaced(change);
    }
    String id = nodeId;
    return commit(change, () -> new JsonObject().put("nodeId", id).put("kind", kind.wireName())
        .put("state", nodeState(id).name()).put("heartbeatIntervalMs", liveness.heartbeatIntervalMillis())
        .put("ttlMs", liveness.ttlMillis()));
  }

  private String findNode(AgentNode.NodeKind kind, String nodeId, String name) {
    if (nodeId != null && kindOf(nodeId) == kind) {
      return nodeId;
    }
    List<String> named = List.copyOf(state.nodeIdsNamed(kind, name));
    // Prefer the record an agent already manages over a same-named REST registration.
    return named.stream().filter(state::agentManaged).findFirst().orElse(named.isEmpty() ? null : named.get(0));
  }

  private AgentNode.NodeKind kindOf(String nodeId) {
    if (state.mothership(nodeId) != null) {
      return AgentNode.NodeKind.MOTHERSHIP;
    }
    if (state.server(nodeId) != null) {
      return AgentNode.NodeKind.RAINSERVER;
    }
    AgentNode generic = state.agentNode(nodeId);
    return generic == null || generic.kind() != AgentNode.NodeKind.GENERIC ? null : generic.kind();
  }

  /** The same records REST registration makes, so the node appears in /mothership/all or /rainservers/all. */
  private String registerForAgent(AgentNode.NodeKind kind, JsonObject hello, OffsetDateTime now, Change change) {
    String id = UUID.randomUUID().toString();
    JsonObject labels = hello.getJsonObject("labels", new JsonObject());
    if (kind == AgentNode.NodeKind.MOTHERSHIP) {
      Mothership mothership = new Mothership(id, hello.getString("name"), hello.getString("address"),
          Capacity.fromJson(hello.getJsonObject("capacity")), labels, null, null, NodeState.AVAILABLE, false, now);
      state.putMothership(mothership);
      Capacity capacity = mothership.capacity();
      change.sql(CloudSql.INSERT_MOTHERSHIP, "id", id, "name", mothership.name(), "address", mothership.address(),
              "cpu", capacity.cpu(), "ramMb", capacity.ramMb(), "bandwidthMbps", capacity.bandwidthMbps(),
              "labels", labels.encode(), "ttlSeconds", null, "state", NodeState.AVAILABLE.name(), "draining", false,
              "createdAt", now)
          .event("mothership.registered", subject(mothership), mothership.toJson());
    } else if (kind == AgentNode.NodeKind.RAINSERVER) {
      List<UrlPattern> urls = hello.getJsonArray("urls").stream().map(u -> new UrlPattern((String) u)).toList();
      RainServer server = new RainServer(id, hello.getString("name"), hello.getString("address"), urls, labels,
          null, null, NodeState.AVAILABLE, now);
      state.putServer(server);
      change.sql(CloudSql.INSERT_SERVER, "id", id, "name", server.name(), "address", server.address(),
              "urls", server.urlsJson().encode(), "labels", labels.encode(), "ttlSeconds", null,
              "state", NodeState.AVAILABLE.name(), "createdAt", now)
          .event("rainserver.registered", subject(server), server.toJson());
    }
    return id;
  }

  private Future<JsonObject> agentHeartbeat(JsonObject body) {
    AgentNode node = agentNode(body);
    liveness.heard(node.nodeId(), System.currentTimeMillis());
    JsonObject metrics = body.getJsonObject("metrics");
    if (metrics != null) {
      liveness.reported(node.nodeId(), metrics.put("reportedAt", now().toString()));
    }
    Change change = new Change();
    NodeState before = nodeState(node.nodeId());
    if (before != NodeState.AVAILABLE) {
      comeOnline(node.nodeId(), before, change);
    }
    reconcile(node.nodeId(), body.getJsonArray("instances"), change);
    if (before != NodeState.AVAILABLE && state.mothership(node.nodeId()) != null) {
      placeUnplaced(change);
    }
    return change.isEmpty() ? Future.succeededFuture(new JsonObject()) : commit(change, JsonObject::new);
  }

  /**
   * The node is heard from: SUSPECT becomes AVAILABLE again (node.online); LOST or EXPIRED returns
   * (node.returned), and a returning rain server is reset and re-wired to what it needs now.
   */
  private void comeOnline(String nodeId, NodeState before, Change change) {
    boolean returned = before == NodeState.LOST || before == NodeState.EXPIRED;
    setNodeState(nodeId, NodeState.AVAILABLE, change);
    change.event(returned ? "node.returned" : "node.online", "node/" + nodeId,
        new JsonObject().put("nodeId", nodeId).put("kind", kindOf(nodeId).wireName()).put("previousState", before.name()));
    RainServer server = state.server(nodeId);
    if (returned && server != null) {
      command(nodeId, "reset", new JsonObject(), change);
      wireAsNeeded(state.server(nodeId), change);
    }
  }

  /**
   * Instances a mothership reports but the hub has not placed there (moved away while the node was
   * lost, or stopped meanwhile) get a stop command, once while it is pending.
   */
  private void reconcile(String nodeId, JsonArray reported, Change change) {
    if (reported == null || state.mothership(nodeId) == null) {
      return;
    }
    Set<String> stopping = new java.util.HashSet<>();
    for (AgentCommand pending : outbox.pendingFor(nodeId)) {
      if (pending.action().equals("stop")) {
        stopping.add(pending.args().getString("instanceId"));
      }
    }
    for (Object item : reported) {
      JsonObject report = (JsonObject) item;
      String instanceId = report.getString("instanceId");
      if (InstanceState.STOPPED.name().equals(report.getString("state")) || stopping.contains(instanceId)) {
        continue;
      }
      Instance instance = state.instance(instanceId);
      boolean placedHere = instance != null && instance.state() != InstanceState.STOPPING
          && instance.placements().stream().anyMatch(p -> p.mothershipId().equals(nodeId));
      if (!placedHere && instance != null && instance.state() == InstanceState.UNPLACED
          && InstanceState.RUNNING.name().equals(report.getString("state")) && adopt(instance, nodeId, change)) {
        continue;
      }
      if (!placedHere) {
        JsonObject args = instance != null ? instanceArgs(instance) : new JsonObject().put("instanceId", instanceId);
        command(nodeId, "stop", args.put("reason", "not placed on this node"), change);
        stopping.add(instanceId);
      }
    }
  }

  /**
   * An UNPLACED instance its old node reports still running (it came back before the instance
   * found another home) is placed there again as it is: RUNNING, no command needed.
   */
  private boolean adopt(Instance instance, String mothershipId, Change change) {
    WebComponent component = state.component(instance.componentId(), instance.version());
    if (component == null || !placer.chooseOnly(component, mothershipId).placed()) {
      return false;
    }
    Instance.Placement placement = new Instance.Placement(mothershipId, Instance.Role.PRIMARY, component.resources());
    Instance adopted = instance.withPlacements(List.of(placement)).withState(InstanceState.RUNNING);
    state.putInstance(adopted);
    insertPlacement(adopted, placement, change);
    change.sql(CloudSql.INSTANCE_STATE, "id", adopted.id(), "state", adopted.state().name())
        .event("instance.recovered", "instance/" + adopted.id(), adopted.toJson().put("on", mothershipId));
    wireServersFor(component, List.of(mothershipId), change);
    return true;
  }

  /** With the reschedule policy, UNPLACED instances are placed as soon as capacity appears. */
  private void placeUnplaced(Change change) {
    if (!rescheduleLost) {
      return;
    }
    for (String instanceId : List.copyOf(state.unplacedInstanceIds())) {
      Instance instance = state.instance(instanceId);
      if (instance.state() == InstanceState.UNPLACED) {
        Instance placed = reschedule(instance, null, change);
        if (!placed.placements().isEmpty()) {
          change.sql(CloudSql.INSTANCE_STATE, "id", placed.id(), "state", placed.state().name());
        }
      }
    }
  }

  /** SUSPECT after two missed heartbeats, LOST after the TTL: each transition stored with its event. */
  private void watchHeartbeats(long nowMillis) {
    Liveness.Silent silent = liveness.silent(nowMillis, nodeId -> nodeState(nodeId) == NodeState.AVAILABLE);
    if (silent.isEmpty()) {
      return;
    }
    Change change = new Change();
    for (String nodeId : silent.suspect()) {
      setNodeState(nodeId, NodeState.SUSPECT, change);
      change.event("node.suspect", "node/" + nodeId, new JsonObject().put("nodeId", nodeId)
          .put("kind", kindOf(nodeId).wireName()).put("silentMillis", nowMillis - liveness.lastHeard(nodeId)));
    }
    for (String nodeId : silent.lost()) {
      loseNode(nodeId, change);
    }
    commit(change, JsonObject::new).onFailure(failure -> LOG.warn("Could not store liveness transitions", failure));
  }

  private void loseNode(String nodeId, Change change) {
    Mothership mothership = state.mothership(nodeId);
    RainServer server = state.server(nodeId);
    if (mothership != null) {
      releaseMothership(mothership, NodeState.LOST, rescheduleLost, change);
    } else if (server != null) {
      releaseServer(server, NodeState.LOST, change);
    } else {
      change.event("node.lost", "node/" + nodeId, new JsonObject().put("nodeId", nodeId).put("kind", "generic"));
    }
    AgentNode node = state.agentNode(nodeId);
    state.putAgentNode(node.withState(NodeState.LOST));
    change.sql(CloudSql.AGENT_NODE_STATE, "nodeId", nodeId, "state", NodeState.LOST.name());
  }

  /** The node's state: on its mothership or rain server record, else (generic) on its agent record. */
  private NodeState nodeState(String nodeId) {
    Mothership mothership = state.mothership(nodeId);
    if (mothership != null) {
      return mothership.state();
    }
    RainServer server = state.server(nodeId);
    if (server != null) {
      return server.state();
    }
    return state.agentNode(nodeId).state();
  }

  private void setNodeState(String nodeId, NodeState newState, Change change) {
    Mothership mothership = state.mothership(nodeId);
    RainServer server = state.server(nodeId);
    if (mothership != null) {
      state.putMothership(mothership.withState(newState));
      change.sql(CloudSql.MOTHERSHIP_STATE, "id", nodeId, "state", newState.name());
    } else if (server != null) {
      state.putServer(server.withState(newState));
      change.sql(CloudSql.SERVER_STATE, "id", nodeId, "state", newState.name());
    }
    AgentNode node = state.agentNode(nodeId);
    if (node != null) {
      state.putAgentNode(node.withState(newState));
      change.sql(CloudSql.AGENT_NODE_STATE, "nodeId", nodeId, "state", newState.name());
    }
  }

  private JsonObject agentSummary(AgentNode node) {
    Long last = liveness.lastHeard(node.nodeId());
    return node.toJson().put("state", nodeState(node.nodeId()).name())
        .put("lastHeartbeatAt", last == null ? null
            : OffsetDateTime.ofInstant(java.time.Instant.ofEpochMilli(last), ZoneOffset.UTC).toString())
        .put("metrics", liveness.metrics(node.nodeId()))
        .put("pendingCommands", outbox.pendingCount(node.nodeId()));
  }

  // --- agents: commands

  /**
   * Queues a command for the node's agent, stored with {@code change} and sent after it commits.
   * Nodes without an agent (REST only) and nodes that are gone get none: null.
   */
  private AgentCommand command(String nodeId, String action, JsonObject args, Change change) {
    AgentNode node = state.agentNode(nodeId);
    if (node == null) {
      return null;
    }
    NodeState nodeState = nodeState(nodeId);
    if (nodeState == NodeState.LOST || nodeState == NodeState.EXPIRED) {
      return null;
    }
    return outbox.enqueue(nodeId, action, args, now(), change);
  }

  /** A command asked for over the API (request-reply): queued even while the node is offline. */
  private Future<JsonObject> sendCommand(JsonObject body) {
    AgentNode node = agentNode(body);
    Change change = new Change();
    AgentCommand command = outbox.enqueue(body.getString("commandId"), node.nodeId(), body.getString("action"),
        body.getJsonObject("args", new JsonObject()), now(), change);
    return commit(change, command::toJson);
  }

  /** A result from an agent: the command is finished and what it did shows in the maps. */
  private Future<JsonObject> commandResult(JsonObject body) {
    agentNode(body);
    AgentCommand pending = outbox.pending(body.getString("commandId"));
    if (pending == null || !pending.nodeId().equals(body.getString("nodeId"))) {
      // A repeated result, or one for a command that expired: nothing left to do.
      return Future.succeededFuture(new JsonObject());
    }
    boolean succeeded = "succeeded".equals(body.getString("status"));
    JsonObject result = body.copy();
    result.remove("nodeId");
    result.remove("commandId");
    Change change = new Change();
    outbox.finish(pending.id(), succeeded ? AgentCommand.SUCCEEDED : AgentCommand.FAILED, result, now(), change);
    applyOutcome(pending, succeeded, change);
    return commit(change, JsonObject::new);
  }

  /** What a finished (or expired) command means for the instance it was about. */
  private void applyOutcome(AgentCommand command, boolean succeeded, Change change) {
    Instance instance = state.instance(command.args().getString("instanceId", ""));
    if (instance == null) {
      return;
    }
    if (command.action().equals("stop")) {
      Set<String> stops = stopsInFlight.get(instance.id());
      if (stops != null && stops.remove(command.id()) && stops.isEmpty()) {
        remove(instance, change);
      }
    } else if (command.action().equals("instantiate") && "primary".equals(command.args().getString("role"))
        && instance.placements().stream().anyMatch(p -> p.role() == Instance.Role.PRIMARY
            && p.mothershipId().equals(command.nodeId()))
        && (instance.state() == InstanceState.PLACED || instance.state() == InstanceState.FAILED)) {
      InstanceState reported = succeeded ? InstanceState.RUNNING : InstanceState.FAILED;
      if (reported != instance.state()) {
        Instance updated = instance.withState(reported);
        state.putInstance(updated);
        change.sql(CloudSql.INSTANCE_STATE, "id", instance.id(), "state", reported.name())
            .event(succeeded ? "instance.running" : "instance.failed", "instance/" + instance.id(), updated.toJson());
      }
    }
  }

  private void expireCommands() {
    List<AgentCommand> overdue = outbox.overdue(now());
    if (overdue.isEmpty()) {
      return;
    }
    Change change = new Change();
    for (AgentCommand command : overdue) {
      outbox.finish(command.id(), AgentCommand.EXPIRED, null, now(), change);
      if (command.action().equals("stop")) {
        applyOutcome(command, false, change);
      }
    }
    commit(change, JsonObject::new).onFailure(failure -> LOG.warn("Could not store command expiry", failure));
  }

  private Future<JsonObject> agentEvent(JsonObject body) {
    AgentNode node = agentNode(body);
    JsonObject event = body.getJsonObject("event");
    Change change = new Change().event("agent." + event.getString("type"), "node/" + node.nodeId(),
        event.copy().put("nodeId", node.nodeId()));
    return commit(change, JsonObject::new);
  }

  // --- plumbing

  /** Stores the change; answers with {@code reply} (computed after commit) or the storage failure. */
  private Future<JsonObject> commit(Change change, java.util.function.Supplier<JsonObject> reply) {
    return commits.submit(change).map(stored -> {
      // Only stored commands are sent: an agent never runs what a crash could forget.
      for (AgentCommand command : change.toDeliver()) {
        outbox.stored(command.id());
        vertx.eventBus().publish(AGENT_NODE_PREFIX + command.nodeId(), command.frame());
      }
      for (AgentCommand command : change.finished()) {
        vertx.eventBus().publish(COMMAND_DONE_PREFIX + command.id(), command.toJson());
      }
      return reply.get();
    });
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
    loadAll().onComplete(result -> {
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

  private record Loaded(CloudState state, Outbox outbox) {
  }

  private Future<Loaded> loadAll() {
    return CloudLoader.load(store.pool()).compose(loadedState -> Outbox.load(store.pool(), commandExpiryMillis)
        .map(loadedOutbox -> new Loaded(loadedState, loadedOutbox)));
  }

  private void adopt(Loaded loaded) {
    state = loaded.state();
    outbox = loaded.outbox();
    placer = new Placer(state, strategy);
    // Deadlines and heartbeats were not stored: every node gets a full TTL from now.
    liveness.clear();
    long nowMillis = System.currentTimeMillis();
    for (RainServer server : state.servers()) {
      if (server.available() && !state.agentManaged(server.id())) {
        startTtl(server.id(), server.ttlSeconds());
      }
    }
    for (Mothership mothership : state.motherships()) {
      if (mothership.available() && !state.agentManaged(mothership.id())) {
        startTtl(mothership.id(), mothership.ttlSeconds());
      }
    }
    for (AgentNode node : state.agentNodes()) {
      NodeState nodeState = nodeState(node.nodeId());
      if (nodeState != NodeState.LOST && nodeState != NodeState.EXPIRED) {
        liveness.heard(node.nodeId(), nowMillis);
      }
    }
    // STOPPING instances wait for their pending stop commands; those with none left are removed.
    stopsInFlight.clear();
    Change leftovers = new Change();
    for (Instance instance : List.copyOf(state.instances())) {
      if (instance.state() != InstanceState.STOPPING) {
        continue;
      }
      Set<String> stops = new LinkedHashSet<>();
      instance.placements().forEach(p -> outbox.pendingFor(p.mothershipId()).stream()
          .filter(c -> c.action().equals("stop") && instance.id().equals(c.args().getString("instanceId")))
          .forEach(c -> stops.add(c.id())));
      if (stops.isEmpty()) {
        remove(instance, leftovers);
      } else {
        stopsInFlight.put(instance.id(), stops);
      }
    }
    if (!leftovers.isEmpty()) {
      commit(leftovers, JsonObject::new).onFailure(failure -> LOG.warn("Could not remove stopped instances", failure));
    }
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
    if (result.isComplete()) {
      // A read answered from memory: memory may hold changes still being written, so the answer
      // waits until they are stored (and becomes a 503 if they could not be).
      Future<?> read = result;
      result = commits.barrier().compose(stored -> read);
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

  private AgentNode agentNode(JsonObject body) {
    AgentNode node = state.agentNode(body.getString("nodeId"));
    if (node == null) {
      throw BusFailure.of(404, "No agent-managed node " + body.getString("nodeId") + ".", "nodeId");
    }
    return node;
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
