package io.rainhub.hypervisor;

import static io.rainhub.hypervisor.CloudFixture.RESOURCES;
import static io.rainhub.hypervisor.CloudFixture.componentKey;
import static io.rainhub.hypervisor.CloudFixture.descriptor;
import static io.rainhub.hypervisor.CloudFixture.event;
import static io.rainhub.hypervisor.CloudFixture.eventTypes;
import static io.rainhub.hypervisor.CloudFixture.refusal;
import static io.rainhub.hypervisor.CloudFixture.result;
import static io.rainhub.hypervisor.CloudFixture.sent;
import static io.rainhub.hypervisor.CloudFixture.sqls;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ComponentsTest {

  private final CloudFixture cloud = new CloudFixture();

  @Test
  void deployingAVersionStoresItsDescriptorAndAnnouncesIt() {
    JsonObject descriptor = descriptor("shop", 2, "/shop/*").put("description", "The shop");

    Decision deployed = cloud.components().deploy(descriptor);

    JsonObject reply = deployed.reply().get();
    assertThat(reply.getString("id")).isEqualTo("shop");
    assertThat(reply.getInteger("replicas")).isEqualTo(2);
    assertThat(Capacity.fromJson(reply.getJsonObject("resources"))).isEqualTo(RESOURCES);
    assertThat(cloud.state.component("shop", "1").description()).isEqualTo("The shop");
    assertThat(sqls(deployed.change())).containsExactly(CloudSql.INSERT_COMPONENT);
    assertThat(eventTypes(deployed.change())).containsExactly("webcomponent.deployed");
    assertThat(cloud.components().descriptor(componentKey("shop"))).isEqualTo(descriptor);
  }

  @Test
  void deployingAVersionAlreadyDeployedIsRefusedWith409OnTheVersion() {
    cloud.deploy("shop", 1, "/shop/*");

    Refusal again = refusal(() -> cloud.components().deploy(descriptor("shop", 1, "/shop/*")));
    cloud.components().deploy(descriptor("shop", 1, "/shop/*").put("version", "2"));

    assertThat(again.status()).isEqualTo(409);
    assertThat(again.field()).isEqualTo("version");
    assertThat(cloud.state.components()).extracting(WebComponent::key).containsExactly("shop@1", "shop@2");
  }

  @Test
  void theListIsPagedAndCountsEachComponentsInstances() {
    cloud.restMothership("m", 8);
    cloud.deploy("a", 1, "/a/*");
    cloud.deploy("b", 1, "/b/*");
    cloud.deploy("c", 1, "/c/*");
    cloud.instantiate("b");

    JsonObject page = cloud.components().list(new JsonObject().put("start", 1).put("range", 1));

    assertThat(page.getInteger("total")).isEqualTo(3);
    assertThat(page.getJsonArray("items")).hasSize(1);
    JsonObject item = page.getJsonArray("items").getJsonObject(0);
    assertThat(item.getString("id")).isEqualTo("b");
    assertThat(item.getInteger("instanceCount")).isEqualTo(1);
  }

  @Test
  void detailsNameTheMothershipsAndInstancesOfAComponent() {
    String a = cloud.restMothership("a", 8);
    String b = cloud.restMothership("b", 8);
    Instance instance = cloud.shopInstance(2);

    JsonObject details = cloud.components().details(componentKey("shop"));

    assertThat(details.getJsonArray("motherships")).containsExactlyInAnyOrder(a, b);
    assertThat(details.getJsonArray("instances")).hasSize(1);
    assertThat(details.getJsonArray("instances").getJsonObject(0).getString("instanceId")).isEqualTo(instance.id());
    assertThat(details.getJsonObject("descriptor").getString("id")).isEqualTo("shop");
  }

  @Test
  void statisticsCountInstancesByStateAndWhatTheyReserve() {
    cloud.restMothership("a", 8);
    cloud.restMothership("b", 8);
    cloud.shopInstance(2);
    cloud.instantiate("shop");

    JsonObject statistics = cloud.components().statistics(componentKey("shop"));

    assertThat(statistics.getInteger("instances")).isEqualTo(2);
    assertThat(statistics.getInteger("placements")).isEqualTo(4);
    assertThat(statistics.getJsonObject("instancesByState").getInteger("PLACED")).isEqualTo(2);
    assertThat(statistics.getJsonObject("instancesByState").getInteger("RUNNING")).isZero();
    assertThat(Capacity.fromJson(statistics.getJsonObject("reserved")))
        .isEqualTo(RESOURCES.plus(RESOURCES).plus(RESOURCES).plus(RESOURCES));
  }

  @Test
  void refreshAllStartsANewGenerationOfEveryInstanceThatIsNotStopping() {
    String m = cloud.agentMothership("m", 8);
    Instance kept = cloud.shopInstance(1);
    Instance stopping = cloud.instantiated("shop");
    cloud.stop(stopping);

    Decision refreshed = cloud.components().refresh(componentKey("shop"));

    assertThat(refreshed.reply().get().getJsonArray("refreshed")).hasSize(1);
    assertThat(cloud.state.instance(kept.id()).generation()).isEqualTo(1);
    assertThat(cloud.state.instance(stopping.id()).generation()).isZero();
    assertThat(eventTypes(refreshed.change()))
        .containsExactly("instance.refreshed", "command.queued", "webcomponent.refreshed");
    assertThat(event(refreshed.change(), "webcomponent.refreshed").getInteger("instances")).isEqualTo(1);
    assertThat(sent(refreshed.change(), "refresh")).singleElement().satisfies(refresh -> {
      assertThat(refresh.nodeId()).isEqualTo(m);
      assertThat(refresh.args().getString("instanceId")).isEqualTo(kept.id());
      assertThat(refresh.args().getInteger("generation")).isEqualTo(1);
    });
  }

  @Test
  void undeployStopsEveryInstanceAndForgetsTheComponent() {
    String m = cloud.restMothership("m", 8);
    cloud.shopInstance(1);
    cloud.instantiate("shop");

    Decision undeployed = cloud.components().undeploy(componentKey("shop"));

    assertThat(undeployed.reply().get().getInteger("stoppedInstances")).isEqualTo(2);
    assertThat(cloud.state.component("shop", "1")).isNull();
    assertThat(cloud.state.instanceCount()).isZero();
    assertThat(cloud.state.reservedOn(m)).isEqualTo(Capacity.ZERO);
    assertThat(sqls(undeployed.change())).containsExactly(CloudSql.DELETE_PLACEMENTS_OF_INSTANCE,
        CloudSql.DELETE_INSTANCE, CloudSql.DELETE_PLACEMENTS_OF_INSTANCE, CloudSql.DELETE_INSTANCE,
        CloudSql.DELETE_COMPONENT);
    assertThat(eventTypes(undeployed.change()))
        .containsExactly("instance.stopped", "instance.stopped", "webcomponent.undeployed");
    assertThat(refusal(() -> cloud.components().details(componentKey("shop"))).status()).isEqualTo(404);
  }

  @Test
  void undeployOnAnAgentMothershipHoldsTheInstancesCapacityUntilTheAgentConfirms() {
    String m = cloud.agentMothership("m", 8);
    Instance instance = cloud.shopInstance(1);

    Change undeployed = cloud.components().undeploy(componentKey("shop")).change();

    assertThat(cloud.state.component("shop", "1")).isNull();
    assertThat(cloud.state.instance(instance.id()).state()).isEqualTo(InstanceState.STOPPING);
    assertThat(cloud.state.reservedOn(m)).isEqualTo(RESOURCES);

    cloud.fleet().commandResult(result(sent(undeployed, "stop").get(0), "succeeded"));

    assertThat(cloud.state.instance(instance.id())).isNull();
    assertThat(cloud.state.reservedOn(m)).isEqualTo(Capacity.ZERO);
  }

  @Test
  void anUnknownComponentIsRefusedWith404() {
    cloud.deploy("shop", 1, "/shop/*");

    assertThat(refusal(() -> cloud.components().details(componentKey("blog"))).status()).isEqualTo(404);
    assertThat(refusal(() -> cloud.components().statistics(componentKey("shop").put("version", "9"))).status())
        .isEqualTo(404);
    assertThat(refusal(() -> cloud.instantiate("blog")).status()).isEqualTo(404);
  }
}
