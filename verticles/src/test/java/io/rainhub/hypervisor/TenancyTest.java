package io.rainhub.hypervisor;

import static io.rainhub.hypervisor.CloudFixture.componentKey;
import static io.rainhub.hypervisor.CloudFixture.descriptor;
import static io.rainhub.hypervisor.CloudFixture.instanceKey;
import static io.rainhub.hypervisor.CloudFixture.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.bus.Caller;
import io.rainhub.store.EventLog;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The hypervisor's tenancy rules: what each caller may see and change, and what events record. */
class TenancyTest {

  private static final Caller ALICE = new Caller("alice", "acme-id", false);
  private static final Caller BOB = new Caller("bob", "beta-id", false);
  private static final Caller ADMIN = new Caller("admin", "system-id", true);

  private final CloudFixture cloud = new CloudFixture();

  private Instance aliceShop() {
    cloud.restMothership("m1", 8);
    cloud.restMothership("m2", 8);
    cloud.components().deploy(ALICE.into(descriptor("shop", 1, "/shop/*")));
    String id = cloud.instances().instantiate(ALICE.into(componentKey("shop"))).reply().get().getString("instanceId");
    return cloud.state.instance(id);
  }

  @Test
  void whatAUserDeploysIsTheirTenantsAndItsEventsSayWhoseAndNotTheCallerField() {
    Decision deployed = cloud.components().deploy(ALICE.into(descriptor("shop", 1, "/shop/*")));

    WebComponent shop = cloud.state.component("shop", CloudFixture.VERSION);
    assertThat(shop.tenantId()).isEqualTo("acme-id");
    assertThat(shop.descriptor().containsKey(Caller.FIELD)).as("the stored descriptor").isFalse();
    assertThat(CloudFixture.values(deployed.change(), CloudSql.INSERT_COMPONENT)).contains("acme-id");
    assertThat(deployed.change().events()).extracting(EventLog.Draft::tenantId).containsExactly("acme-id");
  }

  @Test
  void anInstanceBelongsToItsComponentsTenantAndItsEventsToo() {
    cloud.agentMothership("m1", 8);
    cloud.components().deploy(ALICE.into(descriptor("shop", 1, "/shop/*")));

    Decision placed = cloud.instances().instantiate(ALICE.into(componentKey("shop")));

    Instance instance = cloud.state.instance(placed.reply().get().getString("instanceId"));
    assertThat(instance.tenantId()).isEqualTo("acme-id");
    assertThat(CloudFixture.values(placed.change(), CloudSql.INSERT_INSTANCE)).contains("acme-id");
    assertThat(placed.change().events()).filteredOn(e -> e.type().startsWith("instance."))
        .extracting(EventLog.Draft::tenantId).containsOnly("acme-id");
    // Commands to the agent are infrastructure: no tenant.
    assertThat(placed.change().events()).filteredOn(e -> e.type().startsWith("command."))
        .isNotEmpty().extracting(EventLog.Draft::tenantId).containsOnlyNulls();
  }

  @Test
  void anotherTenantsComponentAndInstanceAre404AsIfMissingAndNothingChanges() {
    Instance shop = aliceShop();
    JsonObject key = componentKey("shop");
    List<Executable> asBob = List.of(
        () -> cloud.components().details(BOB.into(key.copy())),
        () -> cloud.components().descriptor(BOB.into(key.copy())),
        () -> cloud.components().statistics(BOB.into(key.copy())),
        () -> cloud.components().refresh(BOB.into(key.copy())),
        () -> cloud.components().undeploy(BOB.into(key.copy())),
        () -> cloud.instances().instantiate(BOB.into(key.copy())),
        () -> cloud.instances().cluster(BOB.into(instanceKey(shop.id()))),
        () -> cloud.instances().refresh(BOB.into(instanceKey(shop.id()))),
        () -> cloud.instances().stop(BOB.into(instanceKey(shop.id()))),
        () -> Required.instance(cloud.state, shop.id(), BOB));
    for (Executable call : asBob) {
      Refusal hidden = refusal(call::execute);
      assertThat(hidden.status()).isEqualTo(404);
      assertThat(hidden.getMessage()).doesNotContain("tenant");
    }
    assertThat(cloud.state.instance(shop.id())).isSameAs(shop);
    assertThat(cloud.state.component("shop", CloudFixture.VERSION)).isNotNull();
    // Alice and the admins act on it.
    assertThat(cloud.components().details(ALICE.into(key.copy())).getString("id")).isEqualTo("shop");
    assertThat(cloud.instances().refresh(ADMIN.into(instanceKey(shop.id()))).reply().get().getInteger("generation"))
        .isEqualTo(1);
  }

  @Test
  void listsAMothershipsInstancesAndTheMapShowUsersTheirTenantsOnly() {
    Instance shop = aliceShop();
    String mothership = shop.placements().get(0).mothershipId();
    cloud.components().deploy(BOB.into(descriptor("blog", 1, "/blog/*")));

    assertThat(ids(cloud.components().list(ALICE.into(new JsonObject())), "id")).containsExactly("shop");
    assertThat(ids(cloud.components().list(BOB.into(new JsonObject())), "id")).containsExactly("blog");
    assertThat(cloud.components().list(BOB.into(new JsonObject())).getInteger("total")).isEqualTo(1);
    assertThat(ids(cloud.components().list(ADMIN.into(new JsonObject())), "id")).containsExactlyInAnyOrder("shop", "blog");

    JsonObject onMothership = new JsonObject().put("id", mothership);
    assertThat(ids(cloud.registry().mothershipInstances(ALICE.into(onMothership.copy())), "instanceId")).containsExactly(shop.id());
    assertThat(ids(cloud.registry().mothershipInstances(BOB.into(onMothership.copy())), "instanceId")).isEmpty();

    assertThat(ids(InfrastructureMap.of(cloud.state, BOB), "id", "nodes")).contains(mothership).doesNotContain(shop.id());
    assertThat(InfrastructureMap.of(cloud.state, BOB).getJsonArray("edges").stream()
        .map(e -> ((JsonObject) e).getString("to"))).doesNotContain(shop.id());
    assertThat(ids(InfrastructureMap.of(cloud.state, ALICE), "id", "nodes")).contains(mothership, shop.id());
  }

  @Test
  void anIdIsOneTenantsWithAllItsVersions() {
    cloud.components().deploy(ALICE.into(descriptor("shop", 1, "/shop/*")));

    Refusal sameVersion = refusal(() -> cloud.components().deploy(BOB.into(descriptor("shop", 1, "/shop/*"))));
    Refusal newVersion = refusal(() -> cloud.components().deploy(BOB.into(descriptor("shop", 1, "/shop/*").put("version", "2"))));
    Refusal byAdmin = refusal(() -> cloud.components().deploy(ADMIN.into(descriptor("shop", 1, "/shop/*").put("version", "3"))));
    Refusal again = refusal(() -> cloud.components().deploy(ALICE.into(descriptor("shop", 1, "/shop/*"))));
    cloud.components().deploy(ALICE.into(descriptor("shop", 1, "/shop/*").put("version", "2")));

    for (Refusal taken : List.of(sameVersion, newVersion, byAdmin)) {
      assertThat(taken.status()).isEqualTo(409);
      assertThat(taken.field()).isEqualTo("id");
      assertThat(taken.getMessage()).contains("taken by another tenant").doesNotContain("acme");
    }
    assertThat(again.field()).isEqualTo("version");
    assertThat(cloud.state.components()).extracting(WebComponent::tenantId).containsOnly("acme-id");
  }

  @Test
  void aChangeRecordsItsActorOnEveryEventThatNamesNone() {
    Change change = new Change().event("a", "x", null).event("b", "y", "acme-id", new JsonObject());

    change.actedBy("user:alice");
    change.actedBy("agent:late");

    assertThat(change.events()).extracting(EventLog.Draft::actor).containsExactly("user:alice", "user:alice");
    assertThat(Caller.actorOf(ALICE.into(new JsonObject()))).isEqualTo("user:alice");
    assertThat(Caller.actorOf(new JsonObject().put(Caller.AGENT_FIELD, "node-7"))).isEqualTo("agent:node-7");
    assertThat(Caller.actorOf(new JsonObject())).isEqualTo("hub");
    // A body that names no caller comes from the hub itself, which sees everything.
    assertThat(Caller.of(new JsonObject())).isEqualTo(Caller.HUB);
    assertThat(BOB.mayAct(null)).as("what no tenant owns is for admins").isFalse();
  }

  private static List<String> ids(JsonObject list, String field) {
    return ids(list, field, "items");
  }

  private static List<String> ids(JsonObject list, String field, String array) {
    return list.getJsonArray(array).stream().map(i -> ((JsonObject) i).getString(field)).toList();
  }
}
