package io.rainhub.hypervisor;

import static io.rainhub.hypervisor.CloudFixture.componentKey;
import static io.rainhub.hypervisor.CloudFixture.descriptor;
import static io.rainhub.hypervisor.CloudFixture.eventTypes;
import static io.rainhub.hypervisor.CloudFixture.event;
import static io.rainhub.hypervisor.CloudFixture.hosts;
import static io.rainhub.hypervisor.CloudFixture.idKey;
import static io.rainhub.hypervisor.CloudFixture.instanceKey;
import static io.rainhub.hypervisor.CloudFixture.mothershipBody;
import static io.rainhub.hypervisor.CloudFixture.mothershipHello;
import static io.rainhub.hypervisor.CloudFixture.nodeKey;
import static io.rainhub.hypervisor.CloudFixture.primaryOf;
import static io.rainhub.hypervisor.CloudFixture.refusal;
import static io.rainhub.hypervisor.CloudFixture.result;
import static io.rainhub.hypervisor.CloudFixture.sent;
import static io.rainhub.hypervisor.CloudFixture.serverBody;
import static io.rainhub.hypervisor.CloudFixture.sqls;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Issue 9 item 5: deleting nodes, draining, unique names, failure reasons, restart, progress, confirmed versions. */
class LifecycleTest {

  private final CloudFixture cloud = new CloudFixture();

  private AgentCommand pending(String nodeId, String action) {
    return cloud.outbox.pendingFor(nodeId).stream().filter(c -> c.action().equals(action)).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no pending " + action + " for " + nodeId));
  }

  private static JsonObject failedResult(AgentCommand command, int exitCode, String... lines) {
    return result(command, "failed").put("exitCode", exitCode).put("output", new JsonArray(java.util.List.of(lines)));
  }

  // --- delete

  @Test
  void deletingARestMothershipMovesItsInstancesAndForgetsIt() {
    String a = cloud.restMothership("a", 8);
    String b = cloud.restMothership("b", 8);
    Instance instance = cloud.shopInstance(1);
    String host = primaryOf(instance);
    String other = host.equals(a) ? b : a;

    Decision deleted = cloud.registry().deleteMothership(idKey(host));

    JsonObject reply = deleted.reply().get();
    assertThat(reply.getString("state")).isEqualTo("REMOVED");
    assertThat(reply.getJsonArray("releasedInstances")).containsExactly(instance.id());
    assertThat(cloud.state.mothership(host)).isNull();
    assertThat(cloud.state.nodeIdsNamed(AgentNode.NodeKind.MOTHERSHIP, host.equals(a) ? "a" : "b")).isEmpty();
    assertThat(hosts(cloud.state.instance(instance.id()))).containsExactly(other);
    assertThat(eventTypes(deleted.change())).startsWith("mothership.removed").contains("instance.rescheduled");
    assertThat(sqls(deleted.change())).endsWith(CloudSql.DELETE_MOTHERSHIP);
    assertThat(refusal(() -> cloud.registry().deleteMothership(idKey(host))).status()).isEqualTo(404);
  }

  @Test
  void anOnlineAgentMothershipMustBeDrainedOrLeftBeforeItIsDeleted() {
    String online = cloud.agentMothership("online", 8);
    String lost = cloud.agentMothership("lost", 8);
    cloud.loseAfterSilence(lost, online);

    Refusal refused = refusal(() -> cloud.registry().deleteMothership(idKey(online)));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.getMessage()).contains("drain it first or stop its agent");

    Decision lostGone = cloud.registry().deleteMothership(idKey(lost));
    assertThat(sqls(lostGone.change())).contains(CloudSql.DELETE_AGENT_NODE, CloudSql.DELETE_MOTHERSHIP);
    assertThat(cloud.state.agentNode(lost)).isNull();

    cloud.registry().drainMothership(idKey(online).put("draining", true));
    cloud.registry().deleteMothership(idKey(online));
    assertThat(cloud.state.mothership(online)).isNull();
    assertThat(cloud.state.agentManaged(online)).isFalse();
  }

  // --- drain

  @Test
  void drainingMovesInstancesToOtherMothershipsAndStopsThemOnTheDrainedOne() {
    String a = cloud.agentMothership("a", 8);
    Instance first = cloud.shopInstance(1);
    Instance second = cloud.instantiated("shop");
    cloud.fleet().commandResult(result(pending(a, "instantiate"), "succeeded"));
    String b = cloud.agentMothership("b", 1);

    Decision drained = cloud.registry().drainMothership(idKey(a).put("draining", true));

    JsonObject reply = drained.reply().get();
    assertThat(reply.getInteger("moved")).isEqualTo(1);
    assertThat(reply.getInteger("stayed")).as("b has room for one").isEqualTo(1);
    assertThat(sent(drained.change(), "instantiate")).singleElement()
        .satisfies(c -> assertThat(c.nodeId()).isEqualTo(b));
    assertThat(sent(drained.change(), "stop")).singleElement()
        .satisfies(c -> assertThat(c.nodeId()).isEqualTo(a));
    assertThat(event(drained.change(), "instance.rescheduled").getString("reason")).isEqualTo("drain");
    long onA = java.util.stream.Stream.of(first, second).map(i -> cloud.state.instance(i.id()))
        .filter(i -> hosts(i).contains(a)).count();
    assertThat(onA).isEqualTo(1);
  }

  @Test
  void drainingAPrimaryTellsThePromotedReplicaItIsNowThePrimary() {
    String a = cloud.agentMothership("a", 64);
    String b = cloud.agentMothership("b", 8);
    Instance instance = cloud.shopInstance(2);
    assertThat(primaryOf(instance)).isEqualTo(a);
    String c = cloud.agentMothership("c", 8);

    Decision drained = cloud.registry().drainMothership(idKey(a).put("draining", true));

    assertThat(cloud.state.instance(instance.id()).placements())
        .extracting(Instance.Placement::mothershipId, Instance.Placement::role)
        .containsExactly(org.assertj.core.api.Assertions.tuple(b, Instance.Role.PRIMARY),
            org.assertj.core.api.Assertions.tuple(c, Instance.Role.REPLICA));
    assertThat(sent(drained.change(), "instantiate"))
        .extracting(AgentCommand::nodeId, command -> command.args().getString("role"))
        .containsExactlyInAnyOrder(org.assertj.core.api.Assertions.tuple(b, "primary"),
            org.assertj.core.api.Assertions.tuple(c, "replica"));
  }

  // --- names

  @Test
  void namesAreUniquePerKindButAnExpiredRestRegistrationGivesItsNameUp() {
    cloud.restMothership("m", 8);
    Refusal taken = refusal(() -> cloud.registry().registerMothership(mothershipBody("m", 4)));
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.field()).isEqualTo("name");
    cloud.registry().registerServer(serverBody("m", "/x/*"));

    String expiring = cloud.restMothership(mothershipBody("e", 4).put("ttlSeconds", 1));
    cloud.advance(1_500);
    cloud.registry().expireOverdue(cloud.now());
    Decision again = cloud.registry().registerMothership(mothershipBody("e", 4));
    assertThat(eventTypes(again.change())).startsWith("mothership.removed", "mothership.registered");
    assertThat(cloud.state.mothership(expiring)).isNull();
  }

  @Test
  void aKnownAgentSayingHelloWithAnotherNodesNameIsRefused() {
    cloud.restMothership("taken", 8);
    String mine = cloud.agentMothership("mine", 8);

    Refusal refused = refusal(() -> cloud.fleet().hello(mothershipHello("taken", 8).put("nodeId", mine)));

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.field()).isEqualTo("name");
  }

  // --- failure, restart, progress

  @Test
  void aFailedStartKeepsItsReasonAndARestartSendsItAgain() {
    String a = cloud.agentMothership("a", 8);
    Instance instance = cloud.shopInstance(1);
    AgentCommand start = pending(a, "instantiate");
    cloud.fleet().agentEvent(nodeKey(a).put("event", new JsonObject().put("type", "step")
        .put("instanceId", instance.id()).put("action", "instantiate").put("step", "configure")));
    assertThat(cloud.state.instance(instance.id()).progress()).isEqualTo("configuring");

    Decision failed = cloud.fleet().commandResult(failedResult(start, 3, "bad config", "configure.sh failed with exit code 3"));

    Instance stored = cloud.state.instance(instance.id());
    assertThat(stored.state()).isEqualTo(InstanceState.FAILED);
    assertThat(stored.progress()).isNull();
    assertThat(stored.failure().getString("step")).isEqualTo("configure");
    assertThat(stored.failure().getString("script")).isEqualTo("configure.sh");
    assertThat(stored.failure().getInteger("exitCode")).isEqualTo(3);
    assertThat(stored.failure().getJsonArray("lastLines")).contains("bad config");
    assertThat(sqls(failed.change())).contains(CloudSql.INSTANCE_FAILURE);

    Decision restarted = cloud.instances().restart(instanceKey(instance.id()));
    assertThat(cloud.state.instance(instance.id()).state()).isEqualTo(InstanceState.PLACED);
    assertThat(cloud.state.instance(instance.id()).failure()).isNull();
    assertThat(sent(restarted.change(), "instantiate")).singleElement()
        .satisfies(c -> assertThat(c.id()).isNotEqualTo(start.id()));
    assertThat(event(restarted.change(), "instance.restarted").getJsonObject("previousFailure").getInteger("exitCode"))
        .isEqualTo(3);
    assertThat(refusal(() -> cloud.instances().restart(instanceKey(instance.id()))).status()).isEqualTo(409);
  }

  @Test
  void aFailedStopLeavesTheInstanceFailedWhereItStillRuns() {
    String a = cloud.agentMothership("a", 8);
    Instance instance = cloud.shopInstance(1);
    cloud.fleet().commandResult(result(pending(a, "instantiate"), "succeeded"));
    cloud.stop(instance);

    cloud.fleet().commandResult(failedResult(pending(a, "stop"), 1, "stop.sh failed with exit code 1"));

    Instance kept = cloud.state.instance(instance.id());
    assertThat(kept).as("a failed stop is no confirmation").isNotNull();
    assertThat(kept.state()).isEqualTo(InstanceState.FAILED);
    assertThat(kept.failure().getString("action")).isEqualTo("stop");
    assertThat(hosts(kept)).containsExactly(a);
  }

  // --- versions

  @Test
  void anUpdatedVersionIsRecordedOnlyWhenTheAgentConfirmsIt() {
    String a = cloud.agentMothership("a", 8);
    Instance instance = cloud.shopInstance(1);
    cloud.fleet().commandResult(result(pending(a, "instantiate"), "succeeded"));
    cloud.components().deploy(descriptor("shop", 1, "/shop/*").put("version", "2"));
    assertThat(refusal(() -> cloud.instances().update(instanceKey(instance.id()).put("version", "9"))).field())
        .isEqualTo("version");

    JsonObject updating = cloud.instances().update(instanceKey(instance.id()).put("version", "2")).reply().get();

    assertThat(updating.getString("version")).isEqualTo("1");
    assertThat(updating.getString("targetVersion")).isEqualTo("2");
    AgentCommand update = pending(a, "update");
    assertThat(update.args().getString("version")).isEqualTo("2");
    Decision confirmed = cloud.fleet().commandResult(result(update, "succeeded"));
    Instance updated = cloud.state.instance(instance.id());
    assertThat(updated.version()).isEqualTo("2");
    assertThat(updated.targetVersion()).isNull();
    assertThat(event(confirmed.change(), "instance.updated").getString("fromVersion")).isEqualTo("1");
    assertThat(cloud.state.instancesOf(cloud.state.component("shop", "2"))).extracting(Instance::id)
        .containsExactly(instance.id());
    assertThat(cloud.state.instancesOf(cloud.state.component("shop", "1"))).isEmpty();
  }

  @Test
  void aFailedUpdateKeepsTheOldVersionAndSaysWhy() {
    String a = cloud.agentMothership("a", 8);
    Instance instance = cloud.shopInstance(1);
    cloud.components().deploy(descriptor("shop", 1, "/shop/*").put("version", "2"));
    cloud.instances().update(instanceKey(instance.id()).put("version", "2"));

    cloud.fleet().commandResult(failedResult(pending(a, "update"), 2, "update.sh failed with exit code 2"));

    Instance failed = cloud.state.instance(instance.id());
    assertThat(failed.version()).isEqualTo("1");
    assertThat(failed.targetVersion()).isNull();
    assertThat(failed.state()).isEqualTo(InstanceState.FAILED);
    assertThat(failed.failure().getString("action")).isEqualTo("update");
  }

  @Test
  void withoutAnAgentToConfirmTheVersionChangesAtOnce() {
    cloud.restMothership("a", 8);
    Instance instance = cloud.shopInstance(1);
    cloud.components().deploy(descriptor("shop", 1, "/shop/*").put("version", "2"));

    cloud.instances().update(instanceKey(instance.id()).put("version", "2"));

    assertThat(cloud.state.instance(instance.id()).version()).isEqualTo("2");
    assertThat(componentKey("shop")).isNotNull();
  }
}
