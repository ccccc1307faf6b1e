package io.rainhub.hypervisor;

import static io.rainhub.hypervisor.CloudFixture.RESOURCES;
import static io.rainhub.hypervisor.CloudFixture.event;
import static io.rainhub.hypervisor.CloudFixture.eventTypes;
import static io.rainhub.hypervisor.CloudFixture.hosts;
import static io.rainhub.hypervisor.CloudFixture.idKey;
import static io.rainhub.hypervisor.CloudFixture.nodeKey;
import static io.rainhub.hypervisor.CloudFixture.mothershipBody;
import static io.rainhub.hypervisor.CloudFixture.primaryOf;
import static io.rainhub.hypervisor.CloudFixture.refusal;
import static io.rainhub.hypervisor.CloudFixture.sent;
import static io.rainhub.hypervisor.CloudFixture.serverBody;
import static io.rainhub.hypervisor.CloudFixture.sqls;
import static io.rainhub.hypervisor.CloudFixture.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryTest {

  private final CloudFixture cloud = new CloudFixture();

  /** An instance left UNPLACED by its REST mothership's expiry while the only other mothership drains. */
  private record Stranded(String instanceId, String spare) {
  }

  private static Stranded strandedWhileTheSpareDrains(CloudFixture cloud) {
    cloud.restMothership(mothershipBody("doomed", 8).put("ttlSeconds", 10));
    String spare = cloud.restMothership("spare", 8);
    cloud.registry().drainMothership(idKey(spare).put("draining", true));
    cloud.deploy("shop", 1, "/shop/*");
    String instanceId = cloud.instantiated("shop").id();
    cloud.advance(10_000);
    cloud.registry().expireOverdue(cloud.now());
    assertThat(cloud.state.instance(instanceId).state()).isEqualTo(InstanceState.UNPLACED);
    return new Stranded(instanceId, spare);
  }

  private String restServerWithTtl(String name, int ttlSeconds, String... urls) {
    return cloud.registry().registerServer(serverBody(name, urls).put("ttlSeconds", ttlSeconds)).reply().get()
        .getString("id");
  }

  @Test
  void aRestMothershipIsRegisteredWithAllItsCapacityFree() {
    Decision registered = cloud.registry().registerMothership(mothershipBody("m1", 4).put("ttlSeconds", 30));

    JsonObject reply = registered.reply().get();
    assertThat(cloud.state.mothership(reply.getString("id")).name()).isEqualTo("m1");
    assertThat(reply.getString("state")).isEqualTo("AVAILABLE");
    assertThat(Capacity.fromJson(reply.getJsonObject("free"))).isEqualTo(new Capacity(4, 8192, 1000));
    assertThat(Capacity.fromJson(reply.getJsonObject("reserved"))).isEqualTo(Capacity.ZERO);
    assertThat(reply.getBoolean("agentManaged")).isFalse();
    assertThat(reply.getString("expiresAt")).isEqualTo("2026-01-01T00:00:30Z");
    assertThat(sqls(registered.change())).containsExactly(CloudSql.INSERT_MOTHERSHIP);
    assertThat(eventTypes(registered.change())).containsExactly("mothership.registered");
    assertThat(registered.change().events().get(0).payload().getString("expiresAt"))
        .as("the event says when the registration expires").isEqualTo("2026-01-01T00:00:30Z");
    assertThat(cloud.registry().listMotherships().getJsonArray("items")).hasSize(1);
  }

  @Test
  void aRestRainServersRegistrationEventCarriesItsExpiry() {
    Decision registered = cloud.registry().registerServer(CloudFixture.serverBody("rs1", "/shop/*").put("ttlSeconds", 20));

    assertThat(eventTypes(registered.change())).containsExactly("rainserver.registered");
    assertThat(registered.change().events().get(0).payload().getString("expiresAt"))
        .isEqualTo("2026-01-01T00:00:20Z").isEqualTo(registered.reply().get().getString("expiresAt"));
  }

  @Test
  void aRestMothershipThatMissesItsTtlExpiresAndReleasesWhatItHeld() {
    String m = cloud.restMothership(mothershipBody("m", 8).put("ttlSeconds", 10));
    String server = cloud.restRainServer("edge", "/shop/*");
    Instance instance = cloud.shopInstance(1);
    assertThat(cloud.state.wired(server, m)).isTrue();

    cloud.advance(9_999);
    assertThat(cloud.registry().expireOverdue(cloud.now())).isEmpty();
    cloud.advance(1);
    List<Change> expiries = cloud.registry().expireOverdue(cloud.now());

    assertThat(expiries).hasSize(1);
    Change expiry = expiries.get(0);
    assertThat(cloud.state.mothership(m).state()).isEqualTo(NodeState.EXPIRED);
    assertThat(cloud.state.reservedOn(m)).isEqualTo(Capacity.ZERO);
    Instance unplaced = cloud.state.instance(instance.id());
    assertThat(unplaced.state()).isEqualTo(InstanceState.UNPLACED);
    assertThat(unplaced.placements()).isEmpty();
    assertThat(cloud.state.wiresOf(server)).isEmpty();
    assertThat(sqls(expiry)).containsExactly(CloudSql.DELETE_PLACEMENT, CloudSql.INSTANCE_STATE,
        CloudSql.DELETE_WIRE, CloudSql.MOTHERSHIP_STATE);
    assertThat(values(expiry, CloudSql.INSTANCE_STATE)).containsExactly("UNPLACED", instance.id());
    assertThat(eventTypes(expiry)).as("the expiry is announced before what it causes")
        .containsExactly("mothership.expired", "instance.unplaced", "wiring.removed");
    assertThat(event(expiry, "mothership.expired").getJsonArray("releasedInstances")).containsExactly(instance.id());
  }

  @Test
  void anExpiredRestMothershipsInstancesAreRescheduledLikeALostOnes() {
    String doomed = cloud.restMothership(mothershipBody("doomed", 64).put("ttlSeconds", 10));
    String spare = cloud.restMothership("spare", 8);
    Instance instance = cloud.shopInstance(1);
    assertThat(hosts(instance)).containsExactly(doomed);

    cloud.advance(10_000);
    Change expiry = cloud.registry().expireOverdue(cloud.now()).get(0);

    Instance moved = cloud.state.instance(instance.id());
    assertThat(moved.state()).isEqualTo(InstanceState.PLACED);
    assertThat(moved.placements()).extracting(Instance.Placement::mothershipId, Instance.Placement::role)
        .containsExactly(tuple(spare, Instance.Role.PRIMARY));
    assertThat(eventTypes(expiry)).containsExactly("mothership.expired", "instance.rescheduled");
    assertThat(event(expiry, "instance.rescheduled").getString("from")).isEqualTo(doomed);
    assertThat(cloud.state.reservedOn(spare)).isEqualTo(RESOURCES);
  }

  @Test
  void withTheReleasePolicyAnExpiredRestMothershipsPrimaryIsReplacedByItsReplica() {
    CloudFixture release = new CloudFixture(false);
    String doomed = release.restMothership(mothershipBody("doomed", 64).put("ttlSeconds", 10));
    release.restMothership("other", 8);
    release.restMothership("spare", 8);
    release.deploy("shop", 2, "/shop/*");
    Instance instance = release.instantiated("shop");
    assertThat(primaryOf(instance)).isEqualTo(doomed);
    String replica = hosts(instance).get(1);

    release.advance(10_000);
    Change expiry = release.registry().expireOverdue(release.now()).get(0);

    assertThat(release.state.instance(instance.id()).placements())
        .extracting(Instance.Placement::mothershipId, Instance.Placement::role)
        .containsExactly(tuple(replica, Instance.Role.PRIMARY));
    assertThat(eventTypes(expiry)).containsExactly("mothership.expired");
  }

  @Test
  void aRestRegistrationTopsUpAnInstanceShortOfReplicas() {
    cloud.restMothership(mothershipBody("doomed", 64).put("ttlSeconds", 10));
    String other = cloud.restMothership("other", 8);
    Instance instance = cloud.shopInstance(2);
    cloud.advance(10_000);
    cloud.registry().expireOverdue(cloud.now());
    assertThat(hosts(cloud.state.instance(instance.id()))).containsExactly(other);

    Decision registered = cloud.registry().registerMothership(mothershipBody("fresh", 8));

    String fresh = registered.reply().get().getString("id");
    assertThat(cloud.state.instance(instance.id()).placements())
        .extracting(Instance.Placement::mothershipId, Instance.Placement::role)
        .containsExactly(tuple(other, Instance.Role.PRIMARY), tuple(fresh, Instance.Role.REPLICA));
    assertThat(eventTypes(registered.change())).containsExactly("mothership.registered", "instance.clustered");
    assertThat(sqls(registered.change())).containsExactly(CloudSql.INSERT_MOTHERSHIP, CloudSql.INSERT_PLACEMENT);
  }

  @Test
  void aHeartbeatWithinTheTtlKeepsARestRegistrationAlive() {
    String m = cloud.restMothership(mothershipBody("m", 8).put("ttlSeconds", 10));

    cloud.advance(6_000);
    JsonObject beat = cloud.registry().mothershipHeartbeat(idKey(m));
    cloud.advance(6_000);

    assertThat(beat.getString("expiresAt")).isEqualTo("2026-01-01T00:00:16Z");
    assertThat(cloud.registry().expireOverdue(cloud.now())).isEmpty();
    assertThat(cloud.state.mothership(m).state()).isEqualTo(NodeState.AVAILABLE);
    cloud.advance(4_000);
    assertThat(cloud.registry().expireOverdue(cloud.now())).hasSize(1);
  }

  @Test
  void theHeartbeatOfAnExpiredRegistrationIsRefusedWith409() {
    String m = cloud.restMothership(mothershipBody("m", 8).put("ttlSeconds", 10));
    String server = restServerWithTtl("edge", 10, "/shop/*");
    cloud.advance(10_000);
    assertThat(cloud.registry().expireOverdue(cloud.now())).hasSize(2);

    Refusal mothership = refusal(() -> cloud.registry().mothershipHeartbeat(idKey(m)));
    Refusal rainServer = refusal(() -> cloud.registry().serverHeartbeat(idKey(server)));

    assertThat(mothership.status()).isEqualTo(409);
    assertThat(rainServer.status()).isEqualTo(409);
    assertThat(cloud.state.server(server).state()).isEqualTo(NodeState.EXPIRED);
  }

  @Test
  void aRestRainServerThatMissesItsTtlExpiresLosesItsWiresAndIsNoLongerRoutedTo() {
    cloud.restMothership("m", 8);
    String server = restServerWithTtl("edge", 5, "/shop/*");
    cloud.shopInstance(1);
    assertThat(cloud.state.wiresOf(server)).hasSize(1);

    cloud.advance(5_000);
    List<Change> expiries = cloud.registry().expireOverdue(cloud.now());

    assertThat(expiries).singleElement().satisfies(expiry -> {
      assertThat(sqls(expiry)).containsExactly(CloudSql.DELETE_WIRE, CloudSql.SERVER_STATE);
      assertThat(eventTypes(expiry)).as("the expiry is announced before what it causes")
          .containsExactly("rainserver.expired", "wiring.removed");
    });
    assertThat(cloud.state.server(server).state()).isEqualTo(NodeState.EXPIRED);
    assertThat(cloud.state.wiresOf(server)).isEmpty();
    Refusal route = refusal(() -> cloud.wiring().route(new JsonObject().put("url", "/shop/cart").put("session", "s")));
    assertThat(route.status()).isEqualTo(404);
  }

  @Test
  void undrainingAMothershipPlacesTheUnplacedInstancesThatFit() {
    Stranded stranded = strandedWhileTheSpareDrains(cloud);

    Change undrained = cloud.registry().drainMothership(idKey(stranded.spare()).put("draining", false)).change();

    Instance placed = cloud.state.instance(stranded.instanceId());
    assertThat(placed.state()).isEqualTo(InstanceState.PLACED);
    assertThat(placed.placements()).extracting(Instance.Placement::mothershipId, Instance.Placement::role)
        .containsExactly(tuple(stranded.spare(), Instance.Role.PRIMARY));
    assertThat(sqls(undrained)).containsExactly(CloudSql.MOTHERSHIP_DRAINING, CloudSql.INSERT_PLACEMENT,
        CloudSql.INSTANCE_STATE);
    assertThat(eventTypes(undrained)).containsExactly("mothership.undrained", "instance.rescheduled");
    assertThat(cloud.state.unplacedInstanceIds()).isEmpty();
    assertThat(cloud.state.reservedOn(stranded.spare())).isEqualTo(RESOURCES);
  }

  @Test
  void withTheReleasePolicyUndrainingLeavesUnplacedInstancesUnplaced() {
    CloudFixture release = new CloudFixture(false);
    Stranded stranded = strandedWhileTheSpareDrains(release);

    Change undrained = release.registry().drainMothership(idKey(stranded.spare()).put("draining", false)).change();

    assertThat(release.state.instance(stranded.instanceId()).state()).isEqualTo(InstanceState.UNPLACED);
    assertThat(sqls(undrained)).containsExactly(CloudSql.MOTHERSHIP_DRAINING);
    assertThat(eventTypes(undrained)).containsExactly("mothership.undrained");
    assertThat(release.state.reservedOn(stranded.spare())).isEqualTo(Capacity.ZERO);
  }

  @Test
  void registeringAMothershipPlacesTheUnplacedInstances() {
    Stranded stranded = strandedWhileTheSpareDrains(cloud);

    Decision registered = cloud.registry().registerMothership(mothershipBody("fresh", 8));

    String fresh = registered.reply().get().getString("id");
    assertThat(hosts(cloud.state.instance(stranded.instanceId()))).containsExactly(fresh);
    assertThat(sqls(registered.change())).containsExactly(CloudSql.INSERT_MOTHERSHIP, CloudSql.INSERT_PLACEMENT,
        CloudSql.INSTANCE_STATE);
    assertThat(eventTypes(registered.change())).containsExactly("mothership.registered", "instance.rescheduled");
    assertThat(registered.reply().get().getInteger("instanceCount")).isEqualTo(1);
  }

  @Test
  void aConnectedAgentsRainServerIsUnregisteredOnlyOnceItsAgentLeft() {
    String m = cloud.restMothership("m", 8);
    String server = cloud.agentRainServer("edge", "/shop/*");
    cloud.shopInstance(1);

    Refusal online = refusal(() -> cloud.registry().unregisterServer(idKey(server)));
    assertThat(online.status()).isEqualTo(409);
    assertThat(online.getMessage()).contains("stop its agent first");

    cloud.fleet().goodbye(nodeKey(server));
    Decision unregistered = cloud.registry().unregisterServer(idKey(server));

    assertThat(unregistered.reply().get().getString("state")).isEqualTo("UNREGISTERED");
    assertThat(cloud.state.server(server)).isNull();
    assertThat(cloud.state.agentNode(server)).isNull();
    assertThat(cloud.state.serversWiredTo(m)).isEmpty();
    assertThat(sqls(unregistered.change())).endsWith(CloudSql.DELETE_AGENT_NODE, CloudSql.DELETE_SERVER);
    assertThat(eventTypes(unregistered.change())).startsWith("rainserver.unregistered")
        .as("its connect command never ran: it expires").contains("command.expired");
    assertThat(unregistered.change().toDeliver()).as("a node that left is told nothing").isEmpty();
  }

  @Test
  void resettingARainServerDropsItsWiresAndTellsItsAgentToReset() {
    cloud.restMothership("m", 8);
    String server = cloud.agentRainServer("edge", "/shop/*");
    cloud.shopInstance(1);

    Decision reset = cloud.registry().resetServer(idKey(server));

    assertThat(cloud.state.wiresOf(server)).isEmpty();
    assertThat(sqls(reset.change())).containsExactly(CloudSql.DELETE_WIRE, Outbox.INSERT);
    assertThat(eventTypes(reset.change())).containsExactly("wiring.removed", "command.queued", "rainserver.reset");
    assertThat(reset.change().toDeliver()).extracting(AgentCommand::action).as("a reset server forgot its wires: no disconnect")
        .containsExactly("reset");
  }

  @Test
  void aMothershipListsItsInstancesWithTheRoleEachHasThere() {
    cloud.restMothership("a", 8);
    cloud.restMothership("b", 8);
    Instance instance = cloud.shopInstance(2);
    String replica = hosts(instance).get(1);

    JsonObject onPrimary = cloud.registry().mothershipInstances(idKey(primaryOf(instance)));
    JsonObject onReplica = cloud.registry().mothershipInstances(idKey(replica));
    JsonObject summary = cloud.registry().mothership(idKey(replica));

    assertThat(onPrimary.getJsonArray("items").getJsonObject(0).getString("role")).isEqualTo("primary");
    assertThat(onReplica.getJsonArray("items").getJsonObject(0).getString("role")).isEqualTo("replica");
    assertThat(onReplica.getJsonArray("items").getJsonObject(0).getString("instanceId")).isEqualTo(instance.id());
    assertThat(summary.getInteger("instanceCount")).isEqualTo(1);
    assertThat(Capacity.fromJson(summary.getJsonObject("reserved"))).isEqualTo(RESOURCES);
    assertThat(Capacity.fromJson(summary.getJsonObject("free"))).isEqualTo(new Capacity(8, 8192, 1000).minus(RESOURCES));
  }

  @Test
  void aRequestNamingAnUnknownNodeIsRefusedWith404() {
    assertThat(refusal(() -> cloud.registry().mothership(idKey("nope"))).status()).isEqualTo(404);
    assertThat(refusal(() -> cloud.registry().drainMothership(idKey("nope").put("draining", true))).status())
        .isEqualTo(404);
    assertThat(refusal(() -> cloud.registry().unregisterServer(idKey("nope"))).status()).isEqualTo(404);
    assertThat(refusal(() -> cloud.registry().resetServer(idKey("nope"))).status()).isEqualTo(404);
  }
}
