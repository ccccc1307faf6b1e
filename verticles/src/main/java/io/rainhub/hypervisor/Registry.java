package io.rainhub.hypervisor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The registry of rain servers and motherships: registration (over REST or by an agent's hello),
 * reset, unregistration, draining, and expiry of registrations with a TTL that stop refreshing.
 * A node that goes away (expired, or LOST by its agent) has its capacity released and its wires
 * dropped here.
 */
final class Registry {

  private final CloudState state;
  private final Liveness liveness;
  private final Wiring wiring;
  private final Instances instances;
  private final NodeCommands commands;
  private final Outbox outbox;
  private final TimeSource time;

  Registry(CloudState state, Liveness liveness, Wiring wiring, Instances instances,
      NodeCommands commands, Outbox outbox, TimeSource time) {
    this.state = state;
    this.outbox = outbox;
    this.liveness = liveness;
    this.wiring = wiring;
    this.instances = instances;
    this.commands = commands;
    this.time = time;
  }

  // --- rain servers

  Decision registerServer(JsonObject body) {
    OffsetDateTime now = time.now();
    List<UrlPattern> urls = body.getJsonArray("urls").stream().map(u -> new UrlPattern((String) u)).toList();
    Change change = new Change();
    takeName(AgentNode.NodeKind.RAINSERVER, body.getString("name"), change);
    RainServer server = new RainServer(UUID.randomUUID().toString(), body.getString("name"),
        body.getString("address"), urls, body.getJsonObject("labels", new JsonObject()),
        body.getInteger("ttlSeconds"), null, NodeState.AVAILABLE, now);
    startTtl(server.id(), server.ttlSeconds());
    insertServer(server, change);
    wiring.wireAsNeeded(server, change);
    return Decision.of(change, () -> withExpiry(server.toJson(), server.id()));
  }

  /** Drops the server's wires (it forgot them) and tells its agent to reset; it is re-wired when next routed to. */
  Decision resetServer(JsonObject body) {
    RainServer server = Required.server(state, body.getString("id"));
    Change change = new Change();
    wiring.dropWiresOf(server.id(), change);
    commands.command(server.id(), "reset", new JsonObject(), change);
    change.event("rainserver.reset", subject(server), server.toJson());
    startTtl(server.id(), server.ttlSeconds());
    return Decision.of(change, () -> withExpiry(server.toJson(), server.id()));
  }

  /**
   * Removes the rain server. One whose agent is connected (not LEFT or LOST) is refused: its agent
   * would say hello again at once; stop the agent first.
   */
  Decision unregisterServer(JsonObject body) {
    RainServer server = Required.server(state, body.getString("id"));
    if (state.agentManaged(server.id()) && !server.state().gone()) {
      throw Refusal.of(409, "Rain server " + server.id() + " (" + server.name() + ") is managed by a connected agent"
          + " (state " + server.state() + "): stop its agent first (it then leaves), or wait until it is LOST.", null);
    }
    Change change = new Change();
    removeServer(server, change);
    return Decision.of(change, () -> new JsonObject().put("id", server.id()).put("state", "UNREGISTERED"));
  }

  private void removeServer(RainServer server, Change change) {
    change.event("rainserver.unregistered", subject(server), new JsonObject().put("id", server.id())
        .put("name", server.name()).put("previousState", server.state().name()));
    wiring.unwireServer(server.id(), change);
    state.removeServer(server.id());
    forgetAgent(server.id(), change);
    change.sql(CloudSql.DELETE_SERVER, "id", server.id());
  }

  JsonObject listServers() {
    return items(state.servers().stream().map(s -> withExpiry(s.toJson(), s.id())).toList());
  }

  JsonObject serverUrls(JsonObject body) {
    return new JsonObject().put("id", body.getString("id"))
        .put("urls", Required.server(state, body.getString("id")).urlsJson());
  }

  JsonObject serverHeartbeat(JsonObject body) {
    RainServer server = Required.server(state, body.getString("id"));
    return heartbeat(server.id(), server.state(), server.ttlSeconds());
  }

  // --- motherships

  Decision registerMothership(JsonObject body) {
    Change change = new Change();
    takeName(AgentNode.NodeKind.MOTHERSHIP, body.getString("name"), change);
    Mothership mothership = new Mothership(UUID.randomUUID().toString(), body.getString("name"),
        body.getString("address"), Capacity.fromJson(body.getJsonObject("capacity")),
        body.getJsonObject("labels", new JsonObject()), body.getInteger("ttlSeconds"), null,
        NodeState.AVAILABLE, false, time.now());
    startTtl(mothership.id(), mothership.ttlSeconds());
    insertMothership(mothership, change);
    instances.moves().placeWhatIsMissing(change);
    return Decision.of(change, () -> mothershipSummary(mothership));
  }

  /**
   * A draining mothership takes no new placements and its instances move to other motherships
   * (each told to start there and stopped here); one that fits nowhere else stays. Draining again
   * retries those. Undrained, it takes the UNPLACED instances and missing replicas that fit.
   */
  Decision drainMothership(JsonObject body) {
    Mothership mothership = Required.mothership(state, body.getString("id")).withDraining(body.getBoolean("draining"));
    state.putMothership(mothership);
    Change change = new Change()
        .sql(CloudSql.MOTHERSHIP_DRAINING, "id", mothership.id(), "draining", mothership.draining())
        .event(mothership.draining() ? "mothership.draining" : "mothership.undrained", subject(mothership),
            new JsonObject().put("id", mothership.id()).put("draining", mothership.draining()));
    if (!mothership.draining()) {
      instances.moves().placeWhatIsMissing(change);
      return Decision.of(change, () -> mothershipSummary(mothership));
    }
    Moves.Drained drained = mothership.state().gone() ? new Moves.Drained(0, 0)
        : instances.moves().drainFrom(mothership, change);
    return Decision.of(change, () -> mothershipSummary(mothership)
        .put("moved", drained.moved()).put("stayed", drained.stayed()));
  }

  /**
   * Removes the mothership. One whose agent is connected (not LEFT or LOST) must be draining first,
   * or the agent stopped: its instances move as when a node is lost (with the lost policy), its
   * wires are dropped and its pending commands expire.
   */
  Decision deleteMothership(JsonObject body) {
    Mothership mothership = Required.mothership(state, body.getString("id"));
    if (state.agentManaged(mothership.id()) && !mothership.state().gone() && !mothership.draining()) {
      throw Refusal.of(409, "Mothership " + mothership.id() + " (" + mothership.name() + ") is managed by a connected"
          + " agent (state " + mothership.state() + "): drain it first or stop its agent (to drain: PUT"
          + " /v1.0/motherships/" + mothership.id() + "/drain {\"draining\": true}).", null);
    }
    Change change = new Change();
    JsonArray released = removeMothership(mothership, change);
    return Decision.of(change, () -> new JsonObject().put("id", mothership.id()).put("state", "REMOVED")
        .put("releasedInstances", released));
  }

  private JsonArray removeMothership(Mothership mothership, Change change) {
    JsonArray released = new JsonArray(List.copyOf(state.instanceIdsOn(mothership.id())));
    // The removal is announced before what it causes (rescheduled, unplaced, unwired).
    change.event("mothership.removed", subject(mothership), new JsonObject().put("id", mothership.id())
        .put("name", mothership.name()).put("previousState", mothership.state().name())
        .put("releasedInstances", released));
    if (!mothership.state().gone()) {
      // Not a candidate while its instances are placed elsewhere.
      state.putMothership(mothership.withState(NodeState.LEFT));
      instances.releaseFrom(mothership, instances.reschedulesLost(), change);
      wiring.unwireMothership(mothership.id(), change);
    }
    state.removeMothership(mothership.id());
    forgetAgent(mothership.id(), change);
    change.sql(CloudSql.DELETE_MOTHERSHIP, "id", mothership.id());
    return released;
  }

  /** The node is no more: no liveness, no agent record, and its commands without result expire. */
  private void forgetAgent(String nodeId, Change change) {
    liveness.forget(nodeId);
    for (AgentCommand pending : outbox.pendingFor(nodeId)) {
      outbox.finish(pending.id(), AgentCommand.EXPIRED, new JsonObject().put("reason", "node removed"), time.now(),
          change);
    }
    if (state.removeAgentNode(nodeId)) {
      change.sql(CloudSql.DELETE_AGENT_NODE, "nodeId", nodeId);
    }
    if (state.removeEnrolment(nodeId)) {
      change.sql(CloudSql.DELETE_ENROLMENT, "nodeId", nodeId);
    }
  }

  /**
   * Names are unique per kind: a name held by another node is refused (409, field name). A REST
   * registration that expired gives its name up: it is removed, as its owner is registering again.
   */
  private void takeName(AgentNode.NodeKind kind, String name, Change change) {
    List<String> holders = List.copyOf(state.nodeIdsNamed(kind, name));
    for (String holder : holders) {
      if (state.agentManaged(holder) || state.nodeState(holder) != NodeState.EXPIRED) {
        String what = kind == AgentNode.NodeKind.MOTHERSHIP ? "A mothership" : "A rain server";
        throw Refusal.of(409, what + " named " + name + " is already registered (" + holder
            + "); names are unique: choose another or delete that one first.", "name");
      }
    }
    for (String holder : holders) {
      if (kind == AgentNode.NodeKind.MOTHERSHIP) {
        removeMothership(state.mothership(holder), change);
      } else {
        removeServer(state.server(holder), change);
      }
    }
  }

  JsonObject listMotherships() {
    return items(state.motherships().stream().map(this::mothershipSummary).toList());
  }

  JsonObject mothership(JsonObject body) {
    return mothershipSummary(Required.mothership(state, body.getString("id")));
  }

  JsonObject mothershipHeartbeat(JsonObject body) {
    Mothership mothership = Required.mothership(state, body.getString("id"));
    return heartbeat(mothership.id(), mothership.state(), mothership.ttlSeconds());
  }

  /** The instances placed on the mothership, each with the role it has there. */
  /** The instances on a mothership that the caller may see: the mothership is infrastructure, they are not. */
  JsonObject mothershipInstances(JsonObject body) {
    Mothership mothership = Required.mothership(state, body.getString("id"));
    io.rainhub.bus.Caller caller = io.rainhub.bus.Caller.of(body);
    List<JsonObject> items = new ArrayList<>();
    for (String instanceId : state.instanceIdsOn(mothership.id())) {
      Instance instance = state.instance(instanceId);
      if (!caller.mayAct(instance.tenantId())) {
        continue;
      }
      JsonObject item = instance.toJson();
      instance.placements().stream().filter(p -> p.mothershipId().equals(mothership.id())).findFirst()
          .ifPresent(p -> item.put("role", p.role().name().toLowerCase()));
      items.add(item);
    }
    return new JsonObject().put("mothershipId", mothership.id()).put("items", new JsonArray(items));
  }

  JsonObject mothershipSummary(Mothership mothership) {
    Capacity reserved = state.reservedOn(mothership.id());
    return withExpiry(mothership.toJson(), mothership.id())
        .put("reserved", reserved.toJson())
        .put("free", mothership.capacity().minus(reserved).toJson())
        // What the node's agent last reported; null while no agent reports for it.
        .put("reportedUsage", liveness.metrics(mothership.id()))
        .put("agentManaged", state.agentManaged(mothership.id()))
        .put("instanceCount", state.instanceIdsOn(mothership.id()).size());
  }

  // --- registration by an agent, expiry, release

  /** The same records REST registration makes, so the node appears in /mothership/all or /rainservers/all. */
  String registerForAgent(AgentNode.NodeKind kind, JsonObject hello, OffsetDateTime now, Change change) {
    String id = UUID.randomUUID().toString();
    JsonObject labels = hello.getJsonObject("labels", new JsonObject());
    if (kind == AgentNode.NodeKind.MOTHERSHIP) {
      insertMothership(new Mothership(id, hello.getString("name"), hello.getString("address"),
          Capacity.fromJson(hello.getJsonObject("capacity")), labels, null, null, NodeState.AVAILABLE, false, now),
          change);
    } else if (kind == AgentNode.NodeKind.RAINSERVER) {
      List<UrlPattern> urls = hello.getJsonArray("urls").stream().map(u -> new UrlPattern((String) u)).toList();
      insertServer(new RainServer(id, hello.getString("name"), hello.getString("address"), urls, labels,
          null, null, NodeState.AVAILABLE, now), change);
    }
    return id;
  }

  /**
   * REST registrations whose TTL ran out, each expired in a change of its own. An expired
   * mothership's instances go as a LOST one's do, with the lost policy.
   */
  List<Change> expireOverdue(long nowMillis) {
    List<Change> expiries = new ArrayList<>();
    for (String nodeId : liveness.expired(nowMillis)) {
      Change change = new Change();
      if (state.mothership(nodeId) != null) {
        releaseMothership(state.mothership(nodeId), NodeState.EXPIRED, instances.reschedulesLost(), change);
      } else if (state.server(nodeId) != null) {
        releaseServer(state.server(nodeId), NodeState.EXPIRED, change);
      }
      expiries.add(change);
    }
    return expiries;
  }

  /**
   * The mothership went away: the loss is announced, its instances are released (see
   * {@link Instances#releaseFrom}) and its wires dropped.
   */
  void releaseMothership(Mothership mothership, NodeState newState, boolean reschedule, Change change) {
    // The loss is announced before what it causes (rescheduled, unplaced, unwired).
    JsonArray affected = new JsonArray(List.copyOf(state.instanceIdsOn(mothership.id())));
    if (newState == NodeState.EXPIRED) {
      change.event("mothership.expired", subject(mothership), new JsonObject().put("id", mothership.id())
          .put("releasedInstances", affected));
    } else {
      change.event(goneEvent(newState), "node/" + mothership.id(), new JsonObject().put("nodeId", mothership.id())
          .put("kind", "mothership").put("releasedInstances", affected));
    }
    state.putMothership(mothership.withState(newState));
    instances.releaseFrom(mothership, reschedule, change);
    wiring.unwireMothership(mothership.id(), change);
    change.sql(CloudSql.MOTHERSHIP_STATE, "id", mothership.id(), "state", newState.name());
  }

  void releaseServer(RainServer server, NodeState newState, Change change) {
    if (newState == NodeState.EXPIRED) {
      change.event("rainserver.expired", subject(server), new JsonObject().put("id", server.id()));
    } else {
      change.event(goneEvent(newState), "node/" + server.id(), new JsonObject().put("nodeId", server.id())
          .put("kind", "rainserver"));
    }
    state.putServer(server.withState(newState));
    wiring.dropWiresOf(server.id(), change);
    change.sql(CloudSql.SERVER_STATE, "id", server.id(), "state", newState.name());
  }

  /** The event announcing an agent's node going away: node.lost, or node.left after a goodbye. */
  static String goneEvent(NodeState gone) {
    return gone == NodeState.LEFT ? "node.left" : "node.lost";
  }

  /** After a (re)load: deadlines were not stored, so every REST registration gets a full TTL from now. */
  void restartTtls() {
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
  }

  /** Stores a new server; its event carries the TTL deadline, so start the TTL first. */
  private void insertServer(RainServer server, Change change) {
    state.putServer(server);
    change.sql(CloudSql.INSERT_SERVER, "id", server.id(), "name", server.name(), "address", server.address(),
            "urls", server.urlsJson().encode(), "labels", server.labels().encode(),
            "ttlSeconds", server.ttlSeconds(), "state", server.state().name(), "createdAt", server.createdAt())
        .event("rainserver.registered", subject(server), withExpiry(server.toJson(), server.id()));
  }

  /** Stores a new mothership; its event carries the TTL deadline, so start the TTL first. */
  private void insertMothership(Mothership mothership, Change change) {
    state.putMothership(mothership);
    Capacity capacity = mothership.capacity();
    change.sql(CloudSql.INSERT_MOTHERSHIP, "id", mothership.id(), "name", mothership.name(),
            "address", mothership.address(), "cpu", capacity.cpu(), "ramMb", capacity.ramMb(),
            "bandwidthMbps", capacity.bandwidthMbps(), "labels", mothership.labels().encode(),
            "ttlSeconds", mothership.ttlSeconds(), "state", mothership.state().name(), "draining", false,
            "createdAt", mothership.createdAt())
        .event("mothership.registered", subject(mothership), withExpiry(mothership.toJson(), mothership.id()));
  }

  private void startTtl(String nodeId, Integer ttlSeconds) {
    liveness.startTtl(nodeId, ttlSeconds, time.millis());
  }

  /** A REST registration's refresh: a full TTL again, unless it already expired. */
  private JsonObject heartbeat(String nodeId, NodeState nodeState, Integer ttlSeconds) {
    if (nodeState == NodeState.EXPIRED) {
      throw Refusal.of(409, "Registration " + nodeId + " expired; register again.", null);
    }
    startTtl(nodeId, ttlSeconds);
    return withExpiry(new JsonObject().put("id", nodeId).put("state", nodeState.name()), nodeId);
  }

  private JsonObject withExpiry(JsonObject json, String nodeId) {
    Long deadline = liveness.deadline(nodeId);
    return json.put("expiresAt", deadline == null ? null
        : OffsetDateTime.ofInstant(Instant.ofEpochMilli(deadline), ZoneOffset.UTC).toString());
  }

  private static JsonObject items(List<JsonObject> items) {
    return new JsonObject().put("items", new JsonArray(items));
  }

  private static String subject(RainServer server) {
    return "rainserver/" + server.id();
  }

  private static String subject(Mothership mothership) {
    return "mothership/" + mothership.id();
  }
}
