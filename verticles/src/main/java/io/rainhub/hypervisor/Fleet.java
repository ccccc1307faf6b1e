package io.rainhub.hypervisor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The agent fleet: hellos and heartbeats, liveness (AVAILABLE → SUSPECT → LOST and back),
 * reconciliation of what a node reports against what the hub placed there, and the commands
 * agents are sent and report on.
 */
final class Fleet {

  /** The member the agent gateway sets to the agent token's id (its jti) on everything an agent sends. */
  static final String AGENT_TOKEN_FIELD = "agentTokenId";

  private final CloudState state;
  private final Liveness liveness;
  private final Outbox outbox;
  private final NodeCommands commands;
  private final Registry registry;
  private final Instances instances;
  private final Wiring wiring;
  private final TimeSource time;
  private final boolean rescheduleLost;
  /** The lease epoch of this leader: in the welcome and on every command frame. */
  private final long epoch;

  Fleet(CloudState state, Liveness liveness, Outbox outbox, NodeCommands commands, Registry registry,
      Instances instances, Wiring wiring, TimeSource time, boolean rescheduleLost, long epoch) {
    this.state = state;
    this.liveness = liveness;
    this.outbox = outbox;
    this.commands = commands;
    this.registry = registry;
    this.instances = instances;
    this.wiring = wiring;
    this.time = time;
    this.rescheduleLost = rescheduleLost;
    this.epoch = epoch;
  }

  // --- hello and heartbeats

  /**
   * An agent's hello: finds its node (by the id a previous welcome gave, else by kind and name) or
   * registers one, marks it agent-managed and online. A node that was LOST or EXPIRED returns; a
   * new one comes online from NEW; one its agent already had online (a new connection after a hub
   * takeover, a failover or a network blip) changes no state: node.reconnected.
   */
  Decision hello(JsonObject hello) {
    AgentNode.NodeKind kind = AgentNode.NodeKind.parse(hello.getString("kind"));
    OffsetDateTime now = time.now();
    Change change = new Change();
    String tokenId = hello.getString(AGENT_TOKEN_FIELD);
    String nodeId = findNode(kind, hello.getString("nodeId"), hello.getString("name"));
    // The state the node had before this hello: null for a node first registered by it.
    NodeState before = nodeId == null ? null : state.nodeState(nodeId);
    if (nodeId != null) {
      admitHello(nodeId, tokenId);
    } else {
      nodeId = registry.registerForAgent(kind, hello, now, change);
    }
    AgentNode known = state.agentNode(nodeId);
    AgentNode node = known != null ? known.withAgentVersion(hello.getString("agentVersion"))
        : new AgentNode(nodeId, kind, hello.getString("name"), hello.getString("address"),
            hello.getString("agentVersion"), NodeState.AVAILABLE, now, tokenId);
    if (known == null) {
      change.sql(CloudSql.INSERT_AGENT_NODE, "nodeId", nodeId, "kind", kind.wireName(), "name", node.name(),
          "address", node.address(), "agentVersion", node.agentVersion(), "state", NodeState.AVAILABLE.name(),
          "createdAt", now, "agentTokenId", tokenId);
      if (state.removeEnrolment(nodeId)) {
        change.sql(CloudSql.DELETE_ENROLMENT, "nodeId", nodeId);
      }
    } else {
      // Its state is written by comeOnline below.
      change.sql(CloudSql.AGENT_NODE_VERSION, "nodeId", nodeId, "agentVersion", node.agentVersion());
      if (known.agentTokenId() == null && tokenId != null) {
        // Stored before bindings existed: the first hello since binds it.
        node = node.boundTo(tokenId);
        change.sql(CloudSql.AGENT_NODE_BINDING, "nodeId", nodeId, "agentTokenId", tokenId);
      }
    }
    if (kind == AgentNode.NodeKind.GENERIC) {
      // The existing target of topologies claims generic nodes by these labels (motherships and rain
      // servers keep theirs in their own records).
      change.sql(CloudSql.AGENT_NODE_LABELS, "nodeId", nodeId,
          "labels", hello.getJsonObject("labels", new JsonObject()).encode());
    }
    state.putAgentNode(node);
    // The agent's heartbeats now say whether the node lives; a REST TTL no longer applies.
    liveness.heard(nodeId, time.millis());
    if (known != null && before == NodeState.AVAILABLE) {
      change.event("node.reconnected", "node/" + nodeId, new JsonObject().put("nodeId", nodeId)
          .put("kind", kind.wireName()));
    } else {
      comeOnline(nodeId, before, change);
    }
    reconcile(nodeId, hello.getJsonArray("instances"), change);
    if (state.mothership(nodeId) != null) {
      instances.moves().placeWhatIsMissing(change);
    }
    String id = nodeId;
    return Decision.of(change, () -> new JsonObject().put("nodeId", id).put("kind", kind.wireName())
        .put("state", state.nodeState(id).name()).put("heartbeatIntervalMs", liveness.heartbeatIntervalMillis())
        .put("ttlMs", liveness.ttlMillis()).put("reconnectMaxMs", liveness.reconnectMaxMillis())
        .put("epoch", epoch));
  }

  /** A heartbeat: the node lives, its metrics are kept, and what it reports is reconciled. */
  Decision heartbeat(JsonObject body) {
    AgentNode node = fromItsAgent(body);
    liveness.heard(node.nodeId(), time.millis());
    JsonObject metrics = body.getJsonObject("metrics");
    if (metrics != null) {
      liveness.reported(node.nodeId(), metrics.put("reportedAt", time.now().toString()));
    }
    Change change = new Change();
    NodeState before = state.nodeState(node.nodeId());
    if (before != NodeState.AVAILABLE) {
      comeOnline(node.nodeId(), before, change);
    }
    reconcile(node.nodeId(), body.getJsonArray("instances"), change);
    if (before != NodeState.AVAILABLE && state.mothership(node.nodeId()) != null) {
      instances.moves().placeWhatIsMissing(change);
    }
    return Decision.of(change, JsonObject::new);
  }

  /** SUSPECT after two missed heartbeats, LOST after the TTL: each transition stored with its event. */
  Change watchHeartbeats(long nowMillis) {
    Change change = new Change();
    Liveness.Silent silent = liveness.silent(nowMillis,
        nodeId -> state.nodeState(nodeId) == NodeState.AVAILABLE);
    for (String nodeId : silent.suspect()) {
      setNodeState(nodeId, NodeState.SUSPECT, change);
      change.event("node.suspect", "node/" + nodeId, new JsonObject().put("nodeId", nodeId)
          .put("kind", state.kindOf(nodeId).wireName()).put("silentMillis", nowMillis - liveness.lastHeard(nodeId)));
    }
    for (String nodeId : silent.lost()) {
      loseNode(nodeId, change);
    }
    return change;
  }

  /**
   * After a (re)load: heartbeats were not stored, and the agents may be backing off from the hub
   * that went away, so every node not gone gets the longest reconnect wait plus a full TTL from now.
   */
  void awaitReconnects() {
    long nowMillis = time.millis();
    for (AgentNode node : state.agentNodes()) {
      if (!state.nodeState(node.nodeId()).gone()) {
        liveness.awaitReconnect(node.nodeId(), nowMillis);
      }
    }
  }

  /** One page of the agent-managed nodes, in registration order: {@code start} (default 0), {@code range} (default 50). */
  JsonObject list(JsonObject body) {
    int start = body.getInteger("start", 0);
    int range = body.getInteger("range", 50);
    return new JsonObject().put("total", state.agentNodes().size()).put("start", start).put("range", range)
        .put("items", new JsonArray(state.agentNodes().stream().skip(start).limit(range).map(this::summary).toList()));
  }

  // --- commands and what agents report

  /** What the node's agent may be sent now: its stored pending commands, as frames, in sequence order. */
  JsonObject pending(JsonObject body) {
    AgentNode node = fromItsAgent(body);
    return new JsonObject().put("commands", new JsonArray(
        outbox.storedPendingFor(node.nodeId()).stream().map(command -> command.frame(epoch)).toList()));
  }

  /** A command asked for over the API (request-reply): queued even while the node is offline. */
  Decision sendCommand(JsonObject body) {
    AgentNode node = Required.agentNode(state, body.getString("nodeId"));
    AgentCommand queued = outbox.pending(body.getString("commandId"));
    if (queued != null && queued.nodeId().equals(node.nodeId())) {
      // Sent again under the same id (the workflow engine resuming after a restart): queued once.
      return Decision.answer(queued.toJson());
    }
    Change change = new Change();
    AgentCommand command = commands.request(body.getString("commandId"), node.nodeId(), body.getString("action"),
        body.getJsonObject("args", new JsonObject()), change);
    return Decision.of(change, command::toJson);
  }

  /** A result from an agent: the command is finished and what it did shows in the maps. */
  Decision commandResult(JsonObject body) {
    fromItsAgent(body);
    AgentCommand pending = outbox.pending(body.getString("commandId"));
    if (pending == null || !pending.nodeId().equals(body.getString("nodeId"))) {
      // A repeated result, or one for a command that expired: nothing left to do.
      return Decision.answer(new JsonObject());
    }
    boolean succeeded = "succeeded".equals(body.getString("status"));
    JsonObject result = body.copy();
    result.remove("nodeId");
    result.remove("commandId");
    Change change = new Change();
    outbox.finish(pending.id(), succeeded ? AgentCommand.SUCCEEDED : AgentCommand.FAILED, result, time.now(), change);
    instances.commandFinished(pending, succeeded, result, change);
    return Decision.of(change, JsonObject::new);
  }

  /** Commands past their expiry are finished as EXPIRED; an expired stop counts as confirmed. */
  Change expireCommands() {
    Change change = new Change();
    OffsetDateTime now = time.now();
    for (AgentCommand command : outbox.overdue(now)) {
      outbox.finish(command.id(), AgentCommand.EXPIRED, null, now, change);
      if (command.action().equals("stop")) {
        instances.commandFinished(command, false, null, change);
      }
    }
    return change;
  }

  /**
   * The agent says goodbye (a clean stop): the node leaves now instead of being LOST after the TTL.
   * Its instances move at once (with the lost policy) and it is no longer watched; a hello brings
   * it back (node.returned). A goodbye from a node already gone changes nothing.
   */
  Decision goodbye(JsonObject body) {
    AgentNode node = fromItsAgent(body);
    if (state.nodeState(node.nodeId()).gone()) {
      return Decision.answer(new JsonObject().put("nodeId", node.nodeId()).put("state", state.nodeState(node.nodeId()).name()));
    }
    Change change = new Change();
    liveness.forget(node.nodeId());
    release(node.nodeId(), NodeState.LEFT, change);
    return Decision.of(change, () -> new JsonObject().put("nodeId", node.nodeId()).put("state", NodeState.LEFT.name()));
  }

  /**
   * An event an agent reports is logged as {@code agent.<type>}; a {@code step} about an instance
   * it hosts as primary becomes that instance's progress ({@code instance.progress}).
   */
  Decision agentEvent(JsonObject body) {
    AgentNode node = fromItsAgent(body);
    JsonObject event = body.getJsonObject("event");
    Change change = new Change();
    if ("step".equals(event.getString("type")) && instances.stepStarted(node.nodeId(), event, change)) {
      return Decision.of(change, JsonObject::new);
    }
    change.event("agent." + event.getString("type"), "node/" + node.nodeId(),
        event.copy().put("nodeId", node.nodeId()));
    return Decision.of(change, JsonObject::new);
  }

  /**
   * An admin binds a node to an agent token: an agent-managed node is re-bound at once (say, after
   * its token was revoked); a REST-registered mothership or rain server waits for that token's hello,
   * which then takes it over. Unknown node: 404.
   */
  Decision enrol(JsonObject body) {
    String nodeId = body.getString("nodeId");
    String tokenId = body.getString(AGENT_TOKEN_FIELD);
    AgentNode node = state.agentNode(nodeId);
    if (node == null && state.mothership(nodeId) == null && state.server(nodeId) == null) {
      throw Refusal.of(404, "No node " + nodeId + ".", "nodeId");
    }
    Change change = new Change();
    JsonObject enrolled = new JsonObject().put("nodeId", nodeId).put("kind", state.kindOf(nodeId).wireName())
        .put("agentTokenId", tokenId);
    if (node != null) {
      state.putAgentNode(node.boundTo(tokenId));
      change.sql(CloudSql.AGENT_NODE_BINDING, "nodeId", nodeId, "agentTokenId", tokenId);
      enrolled.put("previousAgentTokenId", node.agentTokenId());
    } else {
      state.putEnrolment(nodeId, tokenId);
      change.sql(CloudSql.DELETE_ENROLMENT, "nodeId", nodeId);
      change.sql(CloudSql.INSERT_ENROLMENT, "nodeId", nodeId, "agentTokenId", tokenId, "enrolledAt", time.now());
    }
    change.event("node.enrolled", "node/" + nodeId, enrolled.copy());
    return Decision.of(change, () -> enrolled.copy().put("agentManaged", state.agentManaged(nodeId)));
  }

  // --- inside

  /**
   * The node a frame from an agent names, when that agent's token is the one the node is bound to;
   * another token is refused (403, {@code node-bound}) before anything changes.
   */
  private AgentNode fromItsAgent(JsonObject body) {
    AgentNode node = Required.agentNode(state, body.getString("nodeId"));
    String tokenId = body.getString(AGENT_TOKEN_FIELD);
    if (node.agentTokenId() != null && !node.agentTokenId().equals(tokenId)) {
      throw nodeBound(node.nodeId());
    }
    return node;
  }

  /**
   * A hello may resume a node bound to its own token (or one stored before bindings, which it then
   * binds). A REST-registered record is taken over only by the token an admin enrolled it for.
   */
  private void admitHello(String nodeId, String tokenId) {
    AgentNode known = state.agentNode(nodeId);
    if (known != null) {
      if (known.agentTokenId() != null && !known.agentTokenId().equals(tokenId)) {
        throw nodeBound(nodeId);
      }
      return;
    }
    String enrolled = state.enrolment(nodeId);
    if (enrolled == null || !enrolled.equals(tokenId)) {
      throw Refusal.of(403, "Node " + nodeId + " was registered over the REST API; an admin enrols it for an agent token"
          + " (PUT /v1.0/nodes/" + nodeId + "/enrol) before that token's agent can take it over.", "nodeId",
          new JsonObject().put("code", "not-enrolled"));
    }
  }

  private static Refusal nodeBound(String nodeId) {
    return Refusal.of(403, "Node " + nodeId + " is bound to another agent token; an admin can re-bind it"
        + " (PUT /v1.0/nodes/" + nodeId + "/enrol).", "nodeId", new JsonObject().put("code", "node-bound"));
  }

  /**
   * The node a hello is from. Names are unique per kind: a hello from a known node (its id) giving
   * the name of another node is refused (409, field name); without a known id, the name finds it.
   */
  private String findNode(AgentNode.NodeKind kind, String nodeId, String name) {
    if (nodeId != null && state.kindOf(nodeId) == kind) {
      for (String holder : state.nodeIdsNamed(kind, name)) {
        if (!holder.equals(nodeId)) {
          throw Refusal.of(409, "Another " + kind.wireName() + " (" + holder + ") is named " + name
              + "; names are unique: give this node another name.", "name");
        }
      }
      return nodeId;
    }
    List<String> named = List.copyOf(state.nodeIdsNamed(kind, name));
    // Prefer the record an agent already manages over a same-named REST registration.
    return named.stream().filter(state::agentManaged).findFirst().orElse(named.isEmpty() ? null : named.get(0));
  }

  /**
   * The node is heard from: SUSPECT becomes AVAILABLE again, and a new node (before null: NEW) or
   * a REST registration an agent now manages comes online (node.online, with the state it had);
   * LOST, EXPIRED or LEFT returns (node.returned), and a returning rain server is reset and
   * re-wired to what it needs now.
   */
  private void comeOnline(String nodeId, NodeState before, Change change) {
    boolean returned = before != null && before.gone();
    if (before != null && before != NodeState.AVAILABLE) {
      setNodeState(nodeId, NodeState.AVAILABLE, change);
    }
    change.event(returned ? "node.returned" : "node.online", "node/" + nodeId, new JsonObject()
        .put("nodeId", nodeId).put("kind", state.kindOf(nodeId).wireName())
        .put("previousState", before == null ? "NEW" : before.name()));
    RainServer server = state.server(nodeId);
    if (returned && server != null) {
      commands.command(nodeId, "reset", new JsonObject(), change);
      wiring.wireAsNeeded(state.server(nodeId), change);
    }
  }

  /**
   * Instances a mothership reports but the hub has not placed there (moved away while the node was
   * lost, or stopped meanwhile) get a stop command, once while it is pending; an UNPLACED one it
   * still runs is taken back as it runs.
   */
  private void reconcile(String nodeId, JsonArray reported, Change change) {
    if (reported == null || state.mothership(nodeId) == null) {
      return;
    }
    Set<String> stopping = new HashSet<>();
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
          && InstanceState.RUNNING.name().equals(report.getString("state"))
          && instances.moves().recover(instance, nodeId, change)) {
        continue;
      }
      if (!placedHere) {
        JsonObject args = instance != null ? Instances.instanceArgs(instance)
            : new JsonObject().put("instanceId", instanceId);
        commands.command(nodeId, "stop", args.put("reason", "not placed on this node"), change);
        stopping.add(instanceId);
      }
    }
  }

  private void loseNode(String nodeId, Change change) {
    release(nodeId, NodeState.LOST, change);
  }

  /** The node went away (LOST, or LEFT): what it held is released, with the lost policy, and announced. */
  private void release(String nodeId, NodeState gone, Change change) {
    Mothership mothership = state.mothership(nodeId);
    RainServer server = state.server(nodeId);
    if (mothership != null) {
      registry.releaseMothership(mothership, gone, rescheduleLost, change);
    } else if (server != null) {
      registry.releaseServer(server, gone, change);
    } else {
      change.event(Registry.goneEvent(gone), "node/" + nodeId, new JsonObject().put("nodeId", nodeId)
          .put("kind", "generic"));
    }
    state.putAgentNode(state.agentNode(nodeId).withState(gone));
    change.sql(CloudSql.AGENT_NODE_STATE, "nodeId", nodeId, "state", gone.name());
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

  private JsonObject summary(AgentNode node) {
    Long last = liveness.lastHeard(node.nodeId());
    return node.toJson().put("state", state.nodeState(node.nodeId()).name())
        .put("lastHeartbeatAt", last == null ? null
            : OffsetDateTime.ofInstant(Instant.ofEpochMilli(last), ZoneOffset.UTC).toString())
        .put("metrics", liveness.metrics(node.nodeId()))
        .put("pendingCommands", outbox.pendingCount(node.nodeId()));
  }
}
