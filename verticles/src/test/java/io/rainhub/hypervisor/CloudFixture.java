package io.rainhub.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rainhub.store.EventLog;
import io.rainhub.store.NamedSql;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * One {@link Hypervisor} over an empty cloud, as the verticle builds it but with no Vert.x, store
 * or bus: a clock the test moves, request bodies shaped as the API verticle and the agent gateway
 * send them, and short ways to read what a {@link Change} holds.
 */
final class CloudFixture {

  static final long HEARTBEAT_INTERVAL_MS = 1_000;
  static final long AGENT_TTL_MS = 3_000;
  /** The agents' longest wait between reconnect attempts: the grace nodes get after a takeover. */
  static final long RECONNECT_MAX_MS = 5_000;
  static final long COMMAND_EXPIRY_MS = 60_000;
  static final String VERSION = "1";
  /** What one instance of every test component reserves on each mothership it is placed on. */
  static final Capacity RESOURCES = new Capacity(1, 256, 10);

  /** A clock that stands still until the test moves it. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(long millis) {
      now = now.plusMillis(millis);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    /** Decisions only ever ask for UTC. */
    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  final MutableClock clock = new MutableClock();
  final TimeSource time = new TimeSource(clock);
  final CloudState state = new CloudState();
  final Liveness liveness = new Liveness(HEARTBEAT_INTERVAL_MS, AGENT_TTL_MS, RECONNECT_MAX_MS);
  final StickySessions sessions = new StickySessions(1_000, 30 * 60_000L);
  private final Hypervisor.Settings settings;
  Outbox outbox = new Outbox(COMMAND_EXPIRY_MS);
  Hypervisor hypervisor;

  /** The hub's default lost policy: reschedule. */
  CloudFixture() {
    this(true);
  }

  /** {@code rescheduleLost}: lostPolicy reschedule (true) or release (false). */
  CloudFixture(boolean rescheduleLost) {
    settings = new Hypervisor.Settings(PlacementStrategy.SPREAD, rescheduleLost, 1);
    hypervisor = new Hypervisor(state, outbox, liveness, sessions, settings, time);
  }

  /** What the verticle does after a (re)load: a new hypervisor over the maps and the outbox as loaded. */
  Change reload(Outbox loaded) {
    outbox = loaded;
    hypervisor = new Hypervisor(state, outbox, liveness, sessions, settings, time);
    return hypervisor.takeOver();
  }

  Registry registry() {
    return hypervisor.registry;
  }

  Components components() {
    return hypervisor.components;
  }

  Instances instances() {
    return hypervisor.instances;
  }

  Wiring wiring() {
    return hypervisor.wiring;
  }

  Fleet fleet() {
    return hypervisor.fleet;
  }

  void advance(long millis) {
    clock.advance(millis);
  }

  long now() {
    return clock.millis();
  }

  // --- request bodies

  static JsonObject capacity(double cpu) {
    return new JsonObject().put("cpu", cpu).put("ramMb", 8192).put("bandwidthMbps", 1000);
  }

  /** POST /mothership/register. */
  static JsonObject mothershipBody(String name, double cpu) {
    return new JsonObject().put("name", name).put("address", name + ".local:7000").put("capacity", capacity(cpu));
  }

  /** POST /rainservers/register. */
  static JsonObject serverBody(String name, String... urls) {
    return new JsonObject().put("name", name).put("address", name + ".local:8080").put("urls", new JsonArray(List.of(urls)));
  }

  static JsonObject mothershipHello(String name, double cpu) {
    return hello("mothership", name).put("capacity", capacity(cpu));
  }

  static JsonObject serverHello(String name, String... urls) {
    return hello("rainserver", name).put("urls", new JsonArray(List.of(urls)));
  }

  static JsonObject hello(String kind, String name) {
    return new JsonObject().put("kind", kind).put("name", name).put("address", name + ".local:7000")
        .put("agentVersion", "1.4.0");
  }

  /** A deploy descriptor of version {@value #VERSION} needing {@link #RESOURCES} per placement. */
  static JsonObject descriptor(String id, int replicas, String... urls) {
    return new JsonObject().put("id", id).put("version", VERSION).put("urls", new JsonArray(List.of(urls)))
        .put("resources", RESOURCES.toJson()).put("replicas", replicas);
  }

  /** The body naming a component version (instantiate, details, refresh, undeploy). */
  static JsonObject componentKey(String id) {
    return new JsonObject().put("id", id).put("version", VERSION);
  }

  static JsonObject instanceKey(String instanceId) {
    return new JsonObject().put("instanceId", instanceId);
  }

  static JsonObject nodeKey(String nodeId) {
    return new JsonObject().put("nodeId", nodeId);
  }

  static JsonObject idKey(String id) {
    return new JsonObject().put("id", id);
  }

  /** What an agent reports it runs, in a hello or heartbeat. */
  static JsonArray reports(String instanceId, String instanceState) {
    return new JsonArray().add(new JsonObject().put("instanceId", instanceId).put("state", instanceState));
  }

  /** The agent's result frame for the command. */
  static JsonObject result(AgentCommand command, String status) {
    return new JsonObject().put("nodeId", command.nodeId()).put("commandId", command.id()).put("status", status);
  }

  // --- filling the cloud

  String restMothership(String name, double cpu) {
    return restMothership(mothershipBody(name, cpu));
  }

  String restMothership(JsonObject body) {
    return registry().registerMothership(body).reply().get().getString("id");
  }

  String agentMothership(String name, double cpu) {
    return fleet().hello(mothershipHello(name, cpu)).reply().get().getString("nodeId");
  }

  String restRainServer(String name, String... urls) {
    return registry().registerServer(serverBody(name, urls)).reply().get().getString("id");
  }

  String agentRainServer(String name, String... urls) {
    return fleet().hello(serverHello(name, urls)).reply().get().getString("nodeId");
  }

  void deploy(String id, int replicas, String... urls) {
    components().deploy(descriptor(id, replicas, urls));
  }

  Decision instantiate(String componentId) {
    return instances().instantiate(componentKey(componentId));
  }

  Instance instantiated(String componentId) {
    return state.instance(instantiate(componentId).reply().get().getString("instanceId"));
  }

  /** Deploys "shop" (serving /shop/*) with {@code replicas} and places one instance of it. */
  Instance shopInstance(int replicas) {
    deploy("shop", replicas, "/shop/*");
    return instantiated("shop");
  }

  Decision stop(Instance instance) {
    return instances().stop(instanceKey(instance.id()));
  }

  void heartbeat(String... nodeIds) {
    for (String nodeId : nodeIds) {
      fleet().heartbeat(nodeKey(nodeId));
    }
  }

  /**
   * {@code silent} says nothing for the agent TTL while every node of {@code alive} heartbeats each
   * interval, the liveness scan running after each: the scan's change that found it LOST.
   */
  Change loseAfterSilence(String silent, String... alive) {
    Change last = null;
    for (long waited = 0; waited < AGENT_TTL_MS; waited += HEARTBEAT_INTERVAL_MS) {
      advance(HEARTBEAT_INTERVAL_MS);
      heartbeat(alive);
      last = fleet().watchHeartbeats(now());
    }
    return last;
  }

  // --- reading what happened

  static List<NamedSql> sqls(Change change) {
    return change.statements().stream().map(Change.Statement::sql).toList();
  }

  /** The values of the change's only statement of {@code sql}, in placeholder order. */
  static List<Object> values(Change change, NamedSql sql) {
    List<Change.Statement> matching = change.statements().stream().filter(s -> s.sql() == sql).toList();
    assertThat(matching).as("statements %s", sql).hasSize(1);
    return Arrays.asList(matching.get(0).values());
  }

  static List<String> eventTypes(Change change) {
    return change.events().stream().map(EventLog.Draft::type).toList();
  }

  /** The payload of the change's first event of {@code type}. */
  static JsonObject event(Change change, String type) {
    return change.events().stream().filter(e -> e.type().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " event in " + eventTypes(change))).payload();
  }

  /** The change's commands of {@code action} to send once it is committed. */
  static List<AgentCommand> sent(Change change, String action) {
    return change.toDeliver().stream().filter(c -> c.action().equals(action)).toList();
  }

  static List<String> hosts(Instance instance) {
    return instance.placements().stream().map(Instance.Placement::mothershipId).toList();
  }

  /** The first of {@code motherships} the instance is not placed on. */
  static String notHosting(Instance instance, List<String> motherships) {
    return motherships.stream().filter(m -> !hosts(instance).contains(m)).findFirst().orElseThrow();
  }

  static String primaryOf(Instance instance) {
    return instance.placements().stream().filter(p -> p.role() == Instance.Role.PRIMARY).findFirst()
        .orElseThrow().mothershipId();
  }

  static Refusal refusal(ThrowingCallable decision) {
    Throwable thrown = catchThrowable(decision);
    assertThat(thrown).isInstanceOf(Refusal.class);
    return (Refusal) thrown;
  }
}
