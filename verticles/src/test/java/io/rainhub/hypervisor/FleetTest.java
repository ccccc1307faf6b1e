package io.rainhub.hypervisor;

import static io.rainhub.hypervisor.CloudFixture.AGENT_TTL_MS;
import static io.rainhub.hypervisor.CloudFixture.COMMAND_EXPIRY_MS;
import static io.rainhub.hypervisor.CloudFixture.HEARTBEAT_INTERVAL_MS;
import static io.rainhub.hypervisor.CloudFixture.RESOURCES;
import static io.rainhub.hypervisor.CloudFixture.event;
import static io.rainhub.hypervisor.CloudFixture.eventTypes;
import static io.rainhub.hypervisor.CloudFixture.hosts;
import static io.rainhub.hypervisor.CloudFixture.idKey;
import static io.rainhub.hypervisor.CloudFixture.mothershipHello;
import static io.rainhub.hypervisor.CloudFixture.nodeKey;
import static io.rainhub.hypervisor.CloudFixture.notHosting;
import static io.rainhub.hypervisor.CloudFixture.primaryOf;
import static io.rainhub.hypervisor.CloudFixture.refusal;
import static io.rainhub.hypervisor.CloudFixture.reports;
import static io.rainhub.hypervisor.CloudFixture.result;
import static io.rainhub.hypervisor.CloudFixture.sent;
import static io.rainhub.hypervisor.CloudFixture.sqls;
import static io.rainhub.hypervisor.CloudFixture.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetTest {

  private final CloudFixture cloud = new CloudFixture();

  /** One agent mothership hosting one "shop" instance: the instantiate command its primary was sent. */
  private AgentCommand primaryStart() {
    cloud.agentMothership("m", 8);
    cloud.deploy("shop", 1, "/shop/*");
    return sent(cloud.instantiate("shop").change(), "instantiate").get(0);
  }

  private InstanceState stateOfInstanceStartedBy(AgentCommand command) {
    return cloud.state.instance(command.args().getString("instanceId")).state();
  }

  @Test
  void theHelloOfANewMothershipRegistersTheRecordRestShows() {
    Decision hello = cloud.fleet().hello(mothershipHello("m1", 4));

    JsonObject welcome = hello.reply().get();
    String nodeId = welcome.getString("nodeId");
    assertThat(welcome.getString("kind")).isEqualTo("mothership");
    assertThat(welcome.getString("state")).isEqualTo("AVAILABLE");
    assertThat(welcome.getLong("heartbeatIntervalMs")).isEqualTo(HEARTBEAT_INTERVAL_MS);
    assertThat(welcome.getLong("ttlMs")).isEqualTo(CloudFixture.AGENT_TTL_MS);
    assertThat(cloud.state.mothership(nodeId).capacity()).isEqualTo(new Capacity(4, 8192, 1000));
    JsonObject shown = cloud.registry().mothership(idKey(nodeId));
    assertThat(shown.getString("name")).isEqualTo("m1");
    assertThat(shown.getBoolean("agentManaged")).isTrue();
    assertThat(sqls(hello.change())).as("stored AVAILABLE: no state to write again")
        .containsExactly(CloudSql.INSERT_MOTHERSHIP, CloudSql.INSERT_AGENT_NODE);
    assertThat(eventTypes(hello.change())).containsExactly("mothership.registered", "node.online");
  }

  @Test
  void aSecondHelloWithTheSameNameFindsTheSameNode() {
    String first = cloud.agentMothership("m1", 4);

    Decision again = cloud.fleet().hello(mothershipHello("m1", 4).put("agentVersion", "1.5.0"));

    assertThat(again.reply().get().getString("nodeId")).isEqualTo(first);
    assertThat(cloud.state.motherships()).hasSize(1);
    assertThat(cloud.state.agentNode(first).agentVersion()).isEqualTo("1.5.0");
    assertThat(sqls(again.change())).startsWith(CloudSql.AGENT_NODE_VERSION)
        .doesNotContain(CloudSql.INSERT_MOTHERSHIP, CloudSql.INSERT_AGENT_NODE);
  }

  @Test
  void nodeOnlineSaysTheRealPreviousStateAndARehelloOfAnOnlineNodeIsNoTransition() {
    Decision first = cloud.fleet().hello(mothershipHello("m1", 4));
    String m = first.reply().get().getString("nodeId");
    assertThat(event(first.change(), "node.online").getString("previousState")).isEqualTo("NEW");

    Decision again = cloud.fleet().hello(mothershipHello("m1", 4).put("nodeId", m));

    assertThat(eventTypes(again.change())).containsExactly("node.reconnected");
    assertThat(sqls(again.change())).containsExactly(CloudSql.AGENT_NODE_VERSION);

    cloud.loseAfterSilence(m);
    Change back = cloud.fleet().hello(mothershipHello("m1", 4).put("nodeId", m)).change();
    assertThat(eventTypes(back)).startsWith("node.returned");
    assertThat(event(back, "node.returned").getString("previousState")).isEqualTo("LOST");
  }

  @Test
  void aSilentNodeIsSuspectAfterTwoHeartbeatIntervalsAndOnlineAgainOnItsNextHeartbeat() {
    String m = cloud.agentMothership("m", 8);
    cloud.deploy("shop", 1, "/shop/*");

    cloud.advance(2 * HEARTBEAT_INTERVAL_MS - 1);
    assertThat(cloud.fleet().watchHeartbeats(cloud.now()).isEmpty()).isTrue();
    cloud.advance(1);
    Change suspect = cloud.fleet().watchHeartbeats(cloud.now());

    assertThat(cloud.state.mothership(m).state()).isEqualTo(NodeState.SUSPECT);
    assertThat(sqls(suspect)).containsExactly(CloudSql.MOTHERSHIP_STATE, CloudSql.AGENT_NODE_STATE);
    assertThat(values(suspect, CloudSql.MOTHERSHIP_STATE)).containsExactly("SUSPECT", m);
    assertThat(eventTypes(suspect)).containsExactly("node.suspect");
    assertThat(event(suspect, "node.suspect").getLong("silentMillis")).isEqualTo(2 * HEARTBEAT_INTERVAL_MS);
    Refusal noPlace = refusal(() -> cloud.instantiate("shop"));
    assertThat(noPlace.body().getJsonObject("ruledOut").getInteger("unavailable")).isEqualTo(1);

    Change online = cloud.fleet().heartbeat(nodeKey(m)).change();

    assertThat(cloud.state.mothership(m).state()).isEqualTo(NodeState.AVAILABLE);
    assertThat(eventTypes(online)).containsExactly("node.online");
    assertThat(event(online, "node.online").getString("previousState")).isEqualTo("SUSPECT");
  }

  @Test
  void theHeartbeatOfANodeThatIsOnlineStoresNothingAndKeepsItsMetrics() {
    String m = cloud.agentMothership("m", 8);

    Decision beat = cloud.fleet().heartbeat(nodeKey(m).put("metrics", new JsonObject().put("cpuUsed", 1.5)));

    assertThat(beat.changedNothing()).isTrue();
    JsonObject usage = cloud.registry().mothership(idKey(m)).getJsonObject("reportedUsage");
    assertThat(usage.getDouble("cpuUsed")).isEqualTo(1.5);
    assertThat(usage.getString("reportedAt")).isEqualTo("2026-01-01T00:00Z");
  }

  @Test
  void aReturningLostNodeGetsOneStopForAnInstanceThatMovedAwayWhileItWasGone() {
    List<String> motherships = List.of(cloud.agentMothership("a", 8), cloud.agentMothership("b", 8));
    Instance instance = cloud.shopInstance(1);
    String old = primaryOf(instance);
    String other = notHosting(instance, motherships);
    cloud.loseAfterSilence(old, other);
    assertThat(hosts(cloud.state.instance(instance.id()))).containsExactly(other);

    Change back = cloud.fleet().hello(mothershipHello(cloud.state.mothership(old).name(), 8).put("nodeId", old)
        .put("instances", reports(instance.id(), "RUNNING"))).change();

    assertThat(eventTypes(back)).contains("node.returned");
    assertThat(cloud.state.mothership(old).state()).isEqualTo(NodeState.AVAILABLE);
    assertThat(sent(back, "stop")).singleElement().satisfies(stop -> {
      assertThat(stop.nodeId()).isEqualTo(old);
      assertThat(stop.args().getString("instanceId")).isEqualTo(instance.id());
      assertThat(stop.args().getString("reason")).isEqualTo("not placed on this node");
    });

    Change nextBeat = cloud.fleet().heartbeat(nodeKey(old).put("instances", reports(instance.id(), "RUNNING"))).change();

    assertThat(sent(nextBeat, "stop")).as("the stop is still pending: not sent again").isEmpty();
    assertThat(cloud.outbox.pendingFor(old)).filteredOn(c -> c.action().equals("stop")).hasSize(1);
    assertThat(hosts(cloud.state.instance(instance.id()))).containsExactly(other);
  }

  @Test
  void anUnplacedInstanceItsOldNodeStillRunsIsRecoveredThere() {
    String m = cloud.agentMothership("m", 8);
    Instance instance = cloud.shopInstance(1);
    Change lost = cloud.loseAfterSilence(m);
    assertThat(eventTypes(lost)).containsExactly("node.lost", "instance.unplaced");
    assertThat(cloud.state.reservedOn(m)).isEqualTo(Capacity.ZERO);

    Change back = cloud.fleet().hello(mothershipHello("m", 8).put("nodeId", m)
        .put("instances", reports(instance.id(), "RUNNING"))).change();

    Instance recovered = cloud.state.instance(instance.id());
    assertThat(recovered.state()).isEqualTo(InstanceState.RUNNING);
    assertThat(recovered.placements()).extracting(Instance.Placement::mothershipId, Instance.Placement::role)
        .containsExactly(tuple(m, Instance.Role.PRIMARY));
    assertThat(cloud.state.reservedOn(m)).isEqualTo(RESOURCES);
    assertThat(eventTypes(back)).containsExactly("node.returned", "instance.recovered");
    assertThat(sqls(back)).containsExactly(CloudSql.AGENT_NODE_VERSION, CloudSql.MOTHERSHIP_STATE,
        CloudSql.AGENT_NODE_STATE, CloudSql.INSERT_PLACEMENT, CloudSql.INSTANCE_STATE);
    assertThat(back.toDeliver()).as("it runs already: no stop, no instantiate").isEmpty();
  }

  @Test
  void thePrimarysInstantiateResultMakesTheInstanceRunning() {
    AgentCommand start = primaryStart();

    Change running = cloud.fleet().commandResult(result(start, "succeeded")).change();

    assertThat(stateOfInstanceStartedBy(start)).isEqualTo(InstanceState.RUNNING);
    assertThat(sqls(running)).containsExactly(Outbox.FINISH, CloudSql.INSTANCE_STATE);
    assertThat(eventTypes(running)).containsExactly("command.succeeded", "instance.running");
    assertThat(running.finished()).singleElement()
        .satisfies(done -> assertThat(done.state()).isEqualTo(AgentCommand.SUCCEEDED));
  }

  @Test
  void aFailedInstantiateResultMakesTheInstanceFailed() {
    AgentCommand start = primaryStart();

    Change failed = cloud.fleet().commandResult(result(start, "failed").put("error", "image not found")).change();

    assertThat(stateOfInstanceStartedBy(start)).isEqualTo(InstanceState.FAILED);
    assertThat(eventTypes(failed)).containsExactly("command.failed", "instance.failed");
    assertThat(event(failed, "command.failed").getJsonObject("result").getString("error")).isEqualTo("image not found");
  }

  @Test
  void aRepeatedResultChangesNothing() {
    AgentCommand start = primaryStart();
    cloud.fleet().commandResult(result(start, "succeeded"));

    Decision repeated = cloud.fleet().commandResult(result(start, "failed"));

    assertThat(repeated.changedNothing()).isTrue();
    assertThat(stateOfInstanceStartedBy(start)).isEqualTo(InstanceState.RUNNING);
  }

  @Test
  void aReplicasResultAloneDoesNotMakeTheInstanceRunning() {
    cloud.agentMothership("a", 8);
    cloud.agentMothership("b", 8);
    cloud.deploy("shop", 2, "/shop/*");
    AgentCommand replicaStart = sent(cloud.instantiate("shop").change(), "instantiate").get(1);
    assertThat(replicaStart.args().getString("role")).isEqualTo("replica");

    Change reported = cloud.fleet().commandResult(result(replicaStart, "succeeded")).change();

    assertThat(stateOfInstanceStartedBy(replicaStart)).isEqualTo(InstanceState.PLACED);
    assertThat(eventTypes(reported)).containsExactly("command.succeeded");
  }

  @Test
  void anExpiredStopCountsAsConfirmed() {
    AgentCommand start = primaryStart();
    cloud.fleet().commandResult(result(start, "succeeded"));
    Instance instance = cloud.state.instance(start.args().getString("instanceId"));
    cloud.stop(instance);

    cloud.advance(COMMAND_EXPIRY_MS - 1);
    assertThat(cloud.fleet().expireCommands().isEmpty()).isTrue();
    cloud.advance(1);
    Change expired = cloud.fleet().expireCommands();

    assertThat(cloud.state.instance(instance.id())).isNull();
    assertThat(cloud.state.reservedOn(start.nodeId())).isEqualTo(Capacity.ZERO);
    assertThat(sqls(expired)).containsExactly(Outbox.FINISH, CloudSql.DELETE_PLACEMENTS_OF_INSTANCE,
        CloudSql.DELETE_INSTANCE);
    assertThat(eventTypes(expired)).containsExactly("command.expired", "instance.stopped");
    assertThat(expired.finished()).singleElement()
        .satisfies(done -> assertThat(done.state()).isEqualTo(AgentCommand.EXPIRED));
  }

  @Test
  void aReturningRainServerIsResetAndWiredAgain() {
    String m = cloud.restMothership("m", 8);
    String server = cloud.agentRainServer("edge", "/shop/*");
    cloud.shopInstance(1);

    Change lost = cloud.loseAfterSilence(server);

    assertThat(cloud.state.wired(server, m)).isFalse();
    assertThat(sqls(lost)).containsExactly(CloudSql.DELETE_WIRE, CloudSql.SERVER_STATE, CloudSql.AGENT_NODE_STATE);
    assertThat(eventTypes(lost)).containsExactly("node.lost", "wiring.removed");
    assertThat(lost.toDeliver()).as("a lost server cannot be told to disconnect").isEmpty();

    Change back = cloud.fleet().heartbeat(nodeKey(server)).change();

    assertThat(cloud.state.server(server).state()).isEqualTo(NodeState.AVAILABLE);
    assertThat(cloud.state.wired(server, m)).isTrue();
    assertThat(eventTypes(back)).containsExactly("node.returned", "command.queued", "wiring.added", "command.queued");
    assertThat(back.toDeliver()).extracting(AgentCommand::action).containsExactly("reset", "connect");
  }

  @Test
  void anOperatorsCommandIsQueuedEvenForALostNode() {
    String m = cloud.agentMothership("m", 8);
    cloud.loseAfterSilence(m);

    Decision sent = cloud.fleet().sendCommand(nodeKey(m).put("commandId", "op-1").put("action", "diagnose"));

    assertThat(sent.reply().get().getString("commandId")).isEqualTo("op-1");
    assertThat(sent.reply().get().getString("state")).isEqualTo(AgentCommand.PENDING);
    assertThat(cloud.outbox.pending("op-1").nodeId()).isEqualTo(m);
    assertThat(sqls(sent.change())).containsExactly(Outbox.INSERT);
  }

  @Test
  void anAgentsEventIsLoggedUnderItsOwnType() {
    String m = cloud.agentMothership("m", 8);

    Change logged = cloud.fleet().agentEvent(nodeKey(m).put("event",
        new JsonObject().put("type", "disk.full").put("path", "/var"))).change();

    assertThat(eventTypes(logged)).containsExactly("agent.disk.full");
    assertThat(logged.events().get(0).subject()).isEqualTo("node/" + m);
    assertThat(event(logged, "agent.disk.full").getString("nodeId")).isEqualTo(m);
    assertThat(logged.statements()).isEmpty();
  }

  @Test
  void aNodeNoAgentManagesIsRefusedWith404OnTheNodeId() {
    String rest = cloud.restMothership("rest", 8);

    Refusal refused = refusal(() -> cloud.fleet().heartbeat(nodeKey(rest)));

    assertThat(refused.status()).isEqualTo(404);
    assertThat(refused.field()).isEqualTo("nodeId");
  }

  @Test
  void aGoodbyeLetsTheNodeLeaveAtOnceAndItsInstanceMoveWithoutALoss() {
    String leaving = cloud.agentMothership("leaving", 8);
    Instance instance = cloud.shopInstance(1);
    String other = cloud.agentMothership("other", 8);
    assertThat(hosts(instance)).containsExactly(leaving);

    Decision goodbye = cloud.fleet().goodbye(nodeKey(leaving).put("reason", "agent stopped"));

    assertThat(goodbye.reply().get().getString("state")).isEqualTo("LEFT");
    assertThat(eventTypes(goodbye.change())).as("left, not lost; the instance placed elsewhere")
        .containsExactly("node.left", "instance.rescheduled", "command.queued");
    assertThat(cloud.state.mothership(leaving).state()).isEqualTo(NodeState.LEFT);
    assertThat(hosts(cloud.state.instance(instance.id()))).containsExactly(other);
    assertThat(goodbye.change().toDeliver()).singleElement()
        .satisfies(start -> assertThat(start.nodeId()).isEqualTo(other));

    cloud.advance(10 * AGENT_TTL_MS);
    cloud.heartbeat(other);
    assertThat(cloud.fleet().watchHeartbeats(cloud.now()).isEmpty()).as("a node that left is not watched")
        .isTrue();
    assertThat(cloud.fleet().goodbye(nodeKey(leaving)).changedNothing()).as("a second goodbye").isTrue();

    Change back = cloud.fleet().hello(mothershipHello("leaving", 8)).change();
    assertThat(eventTypes(back)).contains("node.returned");
    assertThat(cloud.state.mothership(leaving).state()).isEqualTo(NodeState.AVAILABLE);
  }

  // --- agent identity (issue 10, item 3): a node is bound to the token that registered it

  private static JsonObject fromToken(JsonObject body, String tokenId) {
    return body.put(Fleet.AGENT_TOKEN_FIELD, tokenId);
  }

  @Test
  void aNodeIsBoundToTheTokenThatRegisteredItAndAnotherTokensHelloOrHeartbeatIsRefused() {
    Decision first = cloud.fleet().hello(fromToken(mothershipHello("m1", 4), "token-a"));
    String nodeId = first.reply().get().getString("nodeId");
    assertThat(cloud.state.agentNode(nodeId).agentTokenId()).isEqualTo("token-a");
    assertThat(values(first.change(), CloudSql.INSERT_AGENT_NODE)).contains("token-a");

    Refusal byName = refusal(() -> cloud.fleet().hello(fromToken(mothershipHello("m1", 4), "token-b")));
    Refusal byId = refusal(() -> cloud.fleet().hello(fromToken(mothershipHello("m1", 4).put("nodeId", nodeId),
        "token-b")));
    Refusal heartbeat = refusal(() -> cloud.fleet().heartbeat(fromToken(nodeKey(nodeId), "token-b")));
    Refusal event = refusal(() -> cloud.fleet().agentEvent(fromToken(nodeKey(nodeId), "token-b")
        .put("event", new JsonObject().put("type", "disk.full"))));
    Refusal pending = refusal(() -> cloud.fleet().pending(fromToken(nodeKey(nodeId), "token-b")));
    Refusal goodbye = refusal(() -> cloud.fleet().goodbye(fromToken(nodeKey(nodeId), "token-b")));
    for (Refusal refused : List.of(byName, byId, heartbeat, event, pending, goodbye)) {
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.body().getString("code")).isEqualTo("node-bound");
    }
    assertThat(cloud.state.agentNode(nodeId).agentTokenId()).as("the binding is unchanged").isEqualTo("token-a");

    // The same token resumes: by name or by id.
    assertThat(cloud.fleet().hello(fromToken(mothershipHello("m1", 4).put("nodeId", nodeId), "token-a"))
        .reply().get().getString("nodeId")).isEqualTo(nodeId);
    assertThat(cloud.fleet().heartbeat(fromToken(nodeKey(nodeId), "token-a")).reply().get()).isNotNull();
  }

  @Test
  void aHelloCannotTakeOverARestRegisteredNodeUntilAnAdminEnrolsItForThatToken() {
    String rest = cloud.restMothership("rest", 8);

    Refusal refused = refusal(() -> cloud.fleet().hello(fromToken(mothershipHello("rest", 8), "token-a")));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body().getString("code")).isEqualTo("not-enrolled");
    assertThat(refusal(() -> cloud.fleet().hello(fromToken(mothershipHello("rest", 8).put("nodeId", rest), "token-a")))
        .body().getString("code")).isEqualTo("not-enrolled");
    assertThat(cloud.state.agentManaged(rest)).isFalse();

    Decision enrolled = cloud.fleet().enrol(nodeKey(rest).put("agentTokenId", "token-a"));
    assertThat(enrolled.reply().get().getString("agentTokenId")).isEqualTo("token-a");
    assertThat(sqls(enrolled.change())).containsExactly(CloudSql.DELETE_ENROLMENT, CloudSql.INSERT_ENROLMENT);
    assertThat(eventTypes(enrolled.change())).containsExactly("node.enrolled");

    assertThat(refusal(() -> cloud.fleet().hello(fromToken(mothershipHello("rest", 8), "token-b"))).status())
        .as("another token still").isEqualTo(403);
    Decision hello = cloud.fleet().hello(fromToken(mothershipHello("rest", 8), "token-a"));
    assertThat(hello.reply().get().getString("nodeId")).isEqualTo(rest);
    assertThat(cloud.state.agentNode(rest).agentTokenId()).isEqualTo("token-a");
    assertThat(sqls(hello.change())).contains(CloudSql.INSERT_AGENT_NODE, CloudSql.DELETE_ENROLMENT);
  }

  @Test
  void anAdminReBindsAnAgentNodeToAnotherTokenByEnrollingIt() {
    String nodeId = cloud.fleet().hello(fromToken(mothershipHello("m1", 4), "revoked-token")).reply().get()
        .getString("nodeId");

    Decision enrolled = cloud.fleet().enrol(nodeKey(nodeId).put("agentTokenId", "new-token"));

    assertThat(sqls(enrolled.change())).containsExactly(CloudSql.AGENT_NODE_BINDING);
    assertThat(event(enrolled.change(), "node.enrolled").getString("previousAgentTokenId")).isEqualTo("revoked-token");
    assertThat(cloud.fleet().hello(fromToken(mothershipHello("m1", 4), "new-token")).reply().get()
        .getString("nodeId")).isEqualTo(nodeId);
    assertThat(refusal(() -> cloud.fleet().heartbeat(fromToken(nodeKey(nodeId), "revoked-token"))).status())
        .isEqualTo(403);
    assertThat(refusal(() -> cloud.fleet().enrol(nodeKey("no-such-node").put("agentTokenId", "t"))).status())
        .isEqualTo(404);
  }
}
