package io.rainhub.hypervisor;

import static io.rainhub.hypervisor.CloudFixture.RESOURCES;
import static io.rainhub.hypervisor.CloudFixture.eventTypes;
import static io.rainhub.hypervisor.CloudFixture.hosts;
import static io.rainhub.hypervisor.CloudFixture.instanceKey;
import static io.rainhub.hypervisor.CloudFixture.notHosting;
import static io.rainhub.hypervisor.CloudFixture.primaryOf;
import static io.rainhub.hypervisor.CloudFixture.refusal;
import static io.rainhub.hypervisor.CloudFixture.result;
import static io.rainhub.hypervisor.CloudFixture.sent;
import static io.rainhub.hypervisor.CloudFixture.sqls;
import static io.rainhub.hypervisor.CloudFixture.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstancesTest {

  private final CloudFixture cloud = new CloudFixture();

  /** Instantiating "shop" is refused with 409: how many motherships each constraint ruled out. */
  private JsonObject ruledOutByA409() {
    Refusal refusal = refusal(() -> cloud.instantiate("shop"));
    assertThat(refusal.status()).isEqualTo(409);
    return refusal.body().getJsonObject("ruledOut");
  }

  @Test
  void instantiatePlacesAPrimaryAndItsReplicasOnDistinctMotherships() {
    String a = cloud.restMothership("a", 8);
    String b = cloud.restMothership("b", 8);
    String c = cloud.restMothership("c", 8);
    cloud.deploy("shop", 3, "/shop/*");

    Decision placed = cloud.instantiate("shop");

    JsonObject reply = placed.reply().get();
    Instance instance = cloud.state.instance(reply.getString("instanceId"));
    assertThat(instance.state()).isEqualTo(InstanceState.PLACED);
    assertThat(hosts(instance)).containsExactlyInAnyOrder(a, b, c);
    assertThat(instance.placements()).extracting(Instance.Placement::role)
        .containsExactly(Instance.Role.PRIMARY, Instance.Role.REPLICA, Instance.Role.REPLICA);
    assertThat(reply.getString("mothershipId")).isEqualTo(primaryOf(instance));
    assertThat(sqls(placed.change())).containsExactly(CloudSql.INSERT_INSTANCE, CloudSql.INSERT_PLACEMENT,
        CloudSql.INSERT_PLACEMENT, CloudSql.INSERT_PLACEMENT);
    assertThat(eventTypes(placed.change())).containsExactly("instance.placed");
    assertThat(placed.change().toDeliver()).as("REST motherships have no agent to tell").isEmpty();
    for (String mothership : List.of(a, b, c)) {
      assertThat(cloud.state.reservedOn(mothership)).isEqualTo(RESOURCES);
    }
  }

  @Test
  void eachAgentMothershipIsToldToStartItsPlacementWithItsRole() {
    cloud.agentMothership("a", 8);
    cloud.agentMothership("b", 8);
    cloud.deploy("shop", 2, "/shop/*");

    Decision placed = cloud.instantiate("shop");

    Instance instance = cloud.state.instance(placed.reply().get().getString("instanceId"));
    List<AgentCommand> starts = sent(placed.change(), "instantiate");
    assertThat(starts).extracting(AgentCommand::nodeId).containsExactlyElementsOf(hosts(instance));
    assertThat(starts).extracting(command -> command.args().getString("role")).containsExactly("primary", "replica");
    assertThat(starts).allSatisfy(command -> assertThat(command.args().getString("instanceId")).isEqualTo(instance.id()));
    assertThat(eventTypes(placed.change())).containsExactly("instance.placed", "command.queued", "command.queued");
  }

  @Test
  void twoMothershipsCannotHoldThreeCopiesOfOneInstance() {
    String a = cloud.restMothership("a", 8);
    cloud.restMothership("b", 8);
    cloud.deploy("shop", 3, "/shop/*");

    JsonObject ruledOut = ruledOutByA409();

    assertThat(ruledOut.getInteger("considered")).isEqualTo(2);
    assertThat(ruledOut.getInteger("alreadyHostingThisInstance")).isEqualTo(2);
    assertThat(cloud.state.instanceCount()).isZero();
    assertThat(cloud.state.reservedOn(a)).as("a refused instance reserves nothing").isEqualTo(Capacity.ZERO);
  }

  @Test
  void instantiateIsRefusedWith409CountingWhatRuledEachMothershipOut() {
    cloud.restMothership("small", 0.5);
    cloud.restMothership("big", 8);
    cloud.deploy("shop", 2, "/shop/*");

    Refusal refusal = refusal(() -> cloud.instantiate("shop"));

    assertThat(refusal.status()).isEqualTo(409);
    assertThat(refusal.body().getString("detail")).contains("No room for shop@1");
    assertThat(refusal.body().getJsonObject("ruledOut")).isEqualTo(new JsonObject().put("considered", 2)
        .put("unavailable", 0).put("draining", 0).put("alreadyHostingThisInstance", 1).put("missingLabels", 0)
        .put("insufficientCpu", 1).put("insufficientRamMb", 0).put("insufficientBandwidthMbps", 0));
  }

  @Test
  void instantiateIsRefusedWith503WhileNoMothershipIsRegistered() {
    cloud.deploy("shop", 1, "/shop/*");

    Refusal refusal = refusal(() -> cloud.instantiate("shop"));

    assertThat(refusal.status()).isEqualTo(503);
    assertThat(refusal.body().getJsonObject("ruledOut").getInteger("considered")).isZero();
  }

  @Test
  void aDrainingMothershipTakesNoPlacement() {
    String draining = cloud.restMothership("draining", 64);
    String other = cloud.restMothership("other", 4);
    cloud.registry().drainMothership(CloudFixture.idKey(draining).put("draining", true));
    cloud.deploy("shop", 1, "/shop/*");

    assertThat(hosts(cloud.instantiated("shop"))).containsExactly(other);
    cloud.registry().drainMothership(CloudFixture.idKey(other).put("draining", true));
    assertThat(ruledOutByA409().getInteger("draining")).isEqualTo(2);
    assertThat(cloud.state.reservedOn(draining)).isEqualTo(Capacity.ZERO);
  }

  /** What a primary's loss did: the instance had a replica, and a third mothership had room. */
  private record LostPrimary(Instance placed, String primary, String replica, String spare, Change lost) {
  }

  /** Three agent motherships, an instance with one replica; its primary's node falls silent past the TTL. */
  private static LostPrimary losePrimary(CloudFixture cloud) {
    List<String> motherships = List.of(cloud.agentMothership("m1", 8), cloud.agentMothership("m2", 8),
        cloud.agentMothership("m3", 8));
    Instance placed = cloud.shopInstance(2);
    String primary = primaryOf(placed);
    String replica = hosts(placed).get(1);
    String spare = notHosting(placed, motherships);
    return new LostPrimary(placed, primary, replica, spare, cloud.loseAfterSilence(primary, replica, spare));
  }

  @Test
  void aLostMothershipsPrimaryIsReplacedByItsReplica() {
    LostPrimary loss = losePrimary(cloud);

    Change lost = loss.lost();
    assertThat(cloud.state.instance(loss.placed().id()).placements())
        .extracting(Instance.Placement::mothershipId, Instance.Placement::role)
        .containsExactly(tuple(loss.replica(), Instance.Role.PRIMARY), tuple(loss.spare(), Instance.Role.REPLICA));
    assertThat(sqls(lost)).containsExactly(CloudSql.DELETE_PLACEMENT, CloudSql.PLACEMENT_ROLE, Outbox.INSERT,
        CloudSql.INSERT_PLACEMENT, Outbox.INSERT, CloudSql.MOTHERSHIP_STATE, CloudSql.AGENT_NODE_STATE);
    assertThat(values(lost, CloudSql.PLACEMENT_ROLE)).containsExactly("PRIMARY", loss.placed().id(), loss.replica());
    assertThat(eventTypes(lost)).as("the loss is announced before the reschedule it causes")
        .containsExactly("node.lost", "command.queued", "instance.rescheduled", "command.queued");
    assertThat(lost.toDeliver()).as("the promoted replica is told it is primary, the spare to start a replica")
        .extracting(AgentCommand::nodeId, AgentCommand::action, start -> start.args().getString("role"))
        .containsExactly(tuple(loss.replica(), "instantiate", "primary"), tuple(loss.spare(), "instantiate", "replica"));
    assertThat(lost.toDeliver()).allSatisfy(start ->
        assertThat(start.args().getString("instanceId")).isEqualTo(loss.placed().id()));
    assertThat(cloud.state.mothership(loss.primary()).state()).isEqualTo(NodeState.LOST);
    assertThat(cloud.state.reservedOn(loss.primary())).isEqualTo(Capacity.ZERO);
    assertThat(cloud.state.reservedOn(loss.spare())).isEqualTo(RESOURCES);
  }

  @Test
  void withTheReleasePolicyALostPrimaryIsReplacedByItsReplicaAndNothingIsPlacedAnew() {
    CloudFixture release = new CloudFixture(false);

    LostPrimary loss = losePrimary(release);

    assertThat(release.state.instance(loss.placed().id()).placements())
        .extracting(Instance.Placement::mothershipId, Instance.Placement::role)
        .containsExactly(tuple(loss.replica(), Instance.Role.PRIMARY));
    assertThat(sqls(loss.lost())).containsExactly(CloudSql.DELETE_PLACEMENT, CloudSql.PLACEMENT_ROLE, Outbox.INSERT,
        CloudSql.MOTHERSHIP_STATE, CloudSql.AGENT_NODE_STATE);
    assertThat(eventTypes(loss.lost())).containsExactly("node.lost", "command.queued");
    assertThat(loss.lost().toDeliver()).as("only the promoted replica is told, that it is primary").singleElement()
        .satisfies(start -> assertThat(start.nodeId()).isEqualTo(loss.replica()))
        .satisfies(start -> assertThat(start.args().getString("role")).isEqualTo("primary"));
    assertThat(release.state.reservedOn(loss.spare())).as("room there, but the release policy places nothing")
        .isEqualTo(Capacity.ZERO);
  }

  @Test
  void aStopHoldsCapacityUntilTheLastAgentConfirms() {
    String a = cloud.agentMothership("a", 8);
    String b = cloud.agentMothership("b", 8);
    Instance instance = cloud.shopInstance(2);

    Decision stop = cloud.stop(instance);

    assertThat(stop.reply().get().getString("state")).isEqualTo("STOPPING");
    List<AgentCommand> stops = sent(stop.change(), "stop");
    assertThat(stops).extracting(AgentCommand::nodeId).containsExactlyInAnyOrder(a, b);
    assertThat(sqls(stop.change())).containsExactly(Outbox.INSERT, Outbox.INSERT, CloudSql.INSTANCE_STATE);
    assertThat(eventTypes(stop.change())).containsExactly("command.queued", "command.queued", "instance.stopping");
    assertThat(cloud.state.reservedOn(a)).isEqualTo(RESOURCES);
    assertThat(cloud.state.reservedOn(b)).isEqualTo(RESOURCES);

    Change first = cloud.fleet().commandResult(result(stops.get(0), "succeeded")).change();

    assertThat(cloud.state.instance(instance.id()).state()).isEqualTo(InstanceState.STOPPING);
    assertThat(eventTypes(first)).containsExactly("command.succeeded");
    assertThat(cloud.state.reservedOn(a)).isEqualTo(RESOURCES);
    assertThat(cloud.state.reservedOn(b)).isEqualTo(RESOURCES);

    Change last = cloud.fleet().commandResult(result(stops.get(1), "succeeded")).change();

    assertThat(cloud.state.instance(instance.id())).isNull();
    assertThat(sqls(last)).containsExactly(Outbox.FINISH, CloudSql.DELETE_PLACEMENTS_OF_INSTANCE,
        CloudSql.DELETE_INSTANCE);
    assertThat(eventTypes(last)).containsExactly("command.succeeded", "instance.stopped");
    assertThat(cloud.state.reservedOn(a)).isEqualTo(Capacity.ZERO);
    assertThat(cloud.state.reservedOn(b)).isEqualTo(Capacity.ZERO);
  }

  @Test
  void anInstanceNoAgentRunsIsRemovedAtOnceWhenStopped() {
    String m = cloud.restMothership("m", 8);
    Instance instance = cloud.shopInstance(1);

    Decision stop = cloud.stop(instance);

    assertThat(stop.reply().get().getString("state")).isEqualTo("STOPPED");
    assertThat(cloud.state.instance(instance.id())).isNull();
    assertThat(sqls(stop.change())).containsExactly(CloudSql.DELETE_PLACEMENTS_OF_INSTANCE, CloudSql.DELETE_INSTANCE);
    assertThat(eventTypes(stop.change())).containsExactly("instance.stopped");
    assertThat(cloud.state.reservedOn(m)).isEqualTo(Capacity.ZERO);
  }

  @Test
  void stoppingAnInstanceAlreadyStoppingChangesNothing() {
    String m = cloud.agentMothership("m", 8);
    Instance instance = cloud.shopInstance(1);
    cloud.stop(instance);

    Decision again = cloud.stop(instance);

    assertThat(again.changedNothing()).isTrue();
    assertThat(again.reply().get().getString("state")).isEqualTo("STOPPING");
    assertThat(cloud.outbox.pendingFor(m)).filteredOn(c -> c.action().equals("stop")).hasSize(1);
  }

  @Test
  void aStoppingInstanceStopsWaitingForAMothershipThatIsLost() {
    String a = cloud.agentMothership("a", 8);
    String b = cloud.agentMothership("b", 8);
    Instance instance = cloud.shopInstance(2);
    AgentCommand stopOnA = sent(cloud.stop(instance).change(), "stop").stream()
        .filter(c -> c.nodeId().equals(a)).findFirst().orElseThrow();

    cloud.loseAfterSilence(b, a);

    Instance stopping = cloud.state.instance(instance.id());
    assertThat(stopping.state()).isEqualTo(InstanceState.STOPPING);
    assertThat(hosts(stopping)).containsExactly(a);
    assertThat(cloud.state.reservedOn(b)).isEqualTo(Capacity.ZERO);

    Change confirmed = cloud.fleet().commandResult(result(stopOnA, "succeeded")).change();

    assertThat(cloud.state.instance(instance.id())).isNull();
    assertThat(eventTypes(confirmed)).containsExactly("command.succeeded", "instance.stopped");
    assertThat(cloud.state.reservedOn(a)).isEqualTo(Capacity.ZERO);
  }

  @Test
  void clusterAddsAReplicaOnAnotherMothership() {
    List<String> motherships = List.of(cloud.agentMothership("a", 8), cloud.agentMothership("b", 8));
    Instance instance = cloud.shopInstance(1);
    String other = notHosting(instance, motherships);

    Decision clustered = cloud.instances().cluster(instanceKey(instance.id()));

    assertThat(clustered.reply().get().getString("mothershipId")).isEqualTo(other);
    assertThat(cloud.state.instance(instance.id()).placements())
        .extracting(Instance.Placement::mothershipId, Instance.Placement::role)
        .containsExactly(tuple(primaryOf(instance), Instance.Role.PRIMARY), tuple(other, Instance.Role.REPLICA));
    assertThat(sqls(clustered.change())).containsExactly(CloudSql.INSERT_PLACEMENT, Outbox.INSERT);
    assertThat(eventTypes(clustered.change())).containsExactly("instance.clustered", "command.queued");
    assertThat(sent(clustered.change(), "instantiate")).singleElement()
        .satisfies(start -> assertThat(start.nodeId()).isEqualTo(other))
        .satisfies(start -> assertThat(start.args().getString("role")).isEqualTo("replica"));
    assertThat(cloud.state.reservedOn(other)).isEqualTo(RESOURCES);
  }

  @Test
  void clusteringAnUnplacedInstanceMakesItsNewPlacementThePrimary() {
    CloudFixture release = new CloudFixture(false);
    String lost = release.agentMothership("m1", 8);
    Instance instance = release.shopInstance(1);
    release.loseAfterSilence(lost);
    assertThat(release.state.instance(instance.id()).state()).isEqualTo(InstanceState.UNPLACED);
    String fresh = release.agentMothership("m2", 8);

    Decision clustered = release.instances().cluster(instanceKey(instance.id()));

    Instance placed = release.state.instance(instance.id());
    assertThat(placed.state()).isEqualTo(InstanceState.PLACED);
    assertThat(placed.placements()).extracting(Instance.Placement::mothershipId, Instance.Placement::role)
        .containsExactly(tuple(fresh, Instance.Role.PRIMARY));
    assertThat(values(clustered.change(), CloudSql.INSERT_PLACEMENT)).contains("PRIMARY");
    AgentCommand start = sent(clustered.change(), "instantiate").get(0);
    assertThat(sent(clustered.change(), "instantiate")).singleElement()
        .satisfies(c -> assertThat(c.nodeId()).isEqualTo(fresh))
        .satisfies(c -> assertThat(c.args().getString("role")).isEqualTo("primary"));

    release.fleet().commandResult(result(start, "succeeded"));
    assertThat(release.state.instance(instance.id()).state()).isEqualTo(InstanceState.RUNNING);
  }

  @Test
  void aPromotedReplicasAgentIsToldItIsNowThePrimaryAndConfirmsItRunning() {
    CloudFixture release = new CloudFixture(false);
    String a = release.agentMothership("a", 8);
    String b = release.agentMothership("b", 8);
    Decision placedDecision = release.instantiate(deployed(release));
    Instance placed = release.state.instance(placedDecision.reply().get().getString("instanceId"));
    String primary = primaryOf(placed);
    String replica = primary.equals(a) ? b : a;
    release.fleet().commandResult(result(sent(placedDecision.change(), "instantiate").get(0), "succeeded"));
    assertThat(release.state.instance(placed.id()).state()).isEqualTo(InstanceState.RUNNING);

    Change lost = release.loseAfterSilence(primary, replica);

    Instance promoted = release.state.instance(placed.id());
    assertThat(promoted.placements()).extracting(Instance.Placement::mothershipId, Instance.Placement::role)
        .containsExactly(tuple(replica, Instance.Role.PRIMARY));
    assertThat(promoted.state()).as("PLACED until the new primary's agent confirms").isEqualTo(InstanceState.PLACED);
    assertThat(lost.toDeliver()).singleElement().satisfies(command -> {
      assertThat(command.nodeId()).isEqualTo(replica);
      assertThat(command.action()).isEqualTo("instantiate");
      assertThat(command.args().getString("role")).isEqualTo("primary");
      assertThat(command.args().getString("instanceId")).isEqualTo(placed.id());
    });

    release.fleet().commandResult(result(lost.toDeliver().get(0), "succeeded"));
    assertThat(release.state.instance(placed.id()).state()).isEqualTo(InstanceState.RUNNING);
  }

  private static String deployed(CloudFixture cloud) {
    cloud.deploy("shop", 2, "/shop/*");
    return "shop";
  }

  @Test
  void aReplicaLostWithoutRoomElsewhereIsToppedUpWhenAMothershipSaysHello() {
    cloud.agentMothership("a", 8);
    cloud.agentMothership("b", 8);
    Instance placed = cloud.shopInstance(2);
    String replica = hosts(placed).get(1);
    String primary = primaryOf(placed);
    cloud.loseAfterSilence(replica, primary);
    assertThat(hosts(cloud.state.instance(placed.id()))).containsExactly(primary);

    Decision hello = cloud.fleet().hello(CloudFixture.mothershipHello("c", 8));

    String c = hello.reply().get().getString("nodeId");
    assertThat(cloud.state.instance(placed.id()).placements())
        .extracting(Instance.Placement::mothershipId, Instance.Placement::role)
        .containsExactly(tuple(primary, Instance.Role.PRIMARY), tuple(c, Instance.Role.REPLICA));
    assertThat(eventTypes(hello.change())).contains("instance.clustered");
    assertThat(CloudFixture.event(hello.change(), "instance.clustered").getString("reason")).isEqualTo("replicas");
    assertThat(sent(hello.change(), "instantiate")).singleElement()
        .satisfies(start -> assertThat(start.nodeId()).isEqualTo(c))
        .satisfies(start -> assertThat(start.args().getString("role")).isEqualTo("replica"));
    assertThat(cloud.state.reservedOn(c)).isEqualTo(RESOURCES);

    Decision another = cloud.fleet().hello(CloudFixture.mothershipHello("d", 8));
    assertThat(eventTypes(another.change())).as("no longer short").doesNotContain("instance.clustered");
  }

  @Test
  void clusterRefusesAMothershipThatAlreadyHostsTheInstanceOrDoesNotExist() {
    cloud.restMothership("a", 8);
    Instance instance = cloud.shopInstance(1);

    Refusal already = refusal(() -> cloud.instances().cluster(instanceKey(instance.id())
        .put("mothershipId", primaryOf(instance))));
    Refusal unknown = refusal(() -> cloud.instances().cluster(instanceKey(instance.id())
        .put("mothershipId", "no-such-mothership")));

    assertThat(already.status()).isEqualTo(409);
    assertThat(already.field()).isEqualTo("mothershipId");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.field()).isEqualTo("mothershipId");
    assertThat(cloud.state.instance(instance.id()).placements()).hasSize(1);
  }

  @Test
  void aStoppingInstanceTakesNoRefreshAndNoCluster() {
    cloud.agentMothership("a", 8);
    cloud.agentMothership("b", 8);
    Instance instance = cloud.shopInstance(1);
    cloud.stop(instance);

    assertThat(refusal(() -> cloud.instances().refresh(instanceKey(instance.id()))).status()).isEqualTo(409);
    assertThat(refusal(() -> cloud.instances().cluster(instanceKey(instance.id()))).status()).isEqualTo(409);
    assertThat(cloud.state.instance(instance.id()).generation()).isZero();
  }

  @Test
  void refreshStartsANewGenerationOnEveryPlacement() {
    cloud.agentMothership("a", 8);
    cloud.agentMothership("b", 8);
    Instance instance = cloud.shopInstance(2);

    Decision refreshed = cloud.instances().refresh(instanceKey(instance.id()));

    assertThat(refreshed.reply().get().getInteger("generation")).isEqualTo(1);
    assertThat(cloud.state.instance(instance.id()).generation()).isEqualTo(1);
    assertThat(sqls(refreshed.change())).containsExactly(CloudSql.INSTANCE_GENERATION, Outbox.INSERT, Outbox.INSERT);
    assertThat(values(refreshed.change(), CloudSql.INSTANCE_GENERATION)).containsExactly(1, instance.id());
    List<AgentCommand> refreshes = sent(refreshed.change(), "refresh");
    assertThat(refreshes).extracting(AgentCommand::nodeId).containsExactlyElementsOf(hosts(instance));
    assertThat(refreshes).allSatisfy(c -> assertThat(c.args().getInteger("generation")).isEqualTo(1));
  }

  @Test
  void anUnknownInstanceIsRefusedWith404() {
    assertThat(refusal(() -> cloud.instances().stop(instanceKey("no-such-instance"))).status()).isEqualTo(404);
    assertThat(refusal(() -> cloud.instances().refresh(instanceKey("no-such-instance"))).status()).isEqualTo(404);
  }
}
