package io.rainhub.hypervisor;

import static io.rainhub.hypervisor.CloudFixture.eventTypes;
import static io.rainhub.hypervisor.CloudFixture.idKey;
import static io.rainhub.hypervisor.CloudFixture.refusal;
import static io.rainhub.hypervisor.CloudFixture.sent;
import static io.rainhub.hypervisor.CloudFixture.serverBody;
import static io.rainhub.hypervisor.CloudFixture.sqls;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class WiringTest {

  private final CloudFixture cloud = new CloudFixture();

  private JsonObject route(String session, String url) {
    return cloud.wiring().route(new JsonObject().put("url", url).put("session", session)).reply().get();
  }

  private static String serverOf(JsonObject route) {
    return route.getJsonObject("rainServer").getString("id");
  }

  @Test
  void registeringARainServerWiresItToTheMothershipsHostingInstancesOfItsUrls() {
    String a = cloud.restMothership("a", 8);
    String b = cloud.restMothership("b", 8);
    cloud.shopInstance(2);

    Decision shopServer = cloud.registry().registerServer(serverBody("shop-edge", "/shop/cart"));
    Decision blogServer = cloud.registry().registerServer(serverBody("blog-edge", "/blog/*"));

    String shop = shopServer.reply().get().getString("id");
    assertThat(cloud.state.wiresOf(shop)).containsExactlyInAnyOrder(a, b);
    assertThat(sqls(shopServer.change())).containsExactly(CloudSql.INSERT_SERVER, CloudSql.INSERT_WIRE,
        CloudSql.INSERT_WIRE);
    assertThat(eventTypes(shopServer.change())).containsExactly("rainserver.registered", "wiring.added", "wiring.added");
    assertThat(shopServer.change().toDeliver()).as("a REST rain server has no agent to tell").isEmpty();
    assertThat(cloud.state.wiresOf(blogServer.reply().get().getString("id"))).isEmpty();
    assertThat(sqls(blogServer.change())).containsExactly(CloudSql.INSERT_SERVER);
  }

  @Test
  void aPlacedInstanceWiresTheServersRenderingItsUrlsAndOnlyAnAgentServerIsToldToConnect() {
    String agentServer = cloud.agentRainServer("agent-edge", "/shop/*");
    String restServer = cloud.restRainServer("rest-edge", "/shop/*");
    String m = cloud.restMothership("m", 8);
    cloud.deploy("shop", 1, "/shop/*");

    Change placed = cloud.instantiate("shop").change();

    assertThat(cloud.state.wired(agentServer, m)).isTrue();
    assertThat(cloud.state.wired(restServer, m)).isTrue();
    assertThat(eventTypes(placed)).containsExactly("instance.placed", "wiring.added", "command.queued", "wiring.added");
    assertThat(sent(placed, "connect")).singleElement().satisfies(connect -> {
      assertThat(connect.nodeId()).isEqualTo(agentServer);
      assertThat(connect.args().getString("mothershipId")).isEqualTo(m);
      assertThat(connect.args().getString("address")).isEqualTo("m.local:7000");
    });
  }

  @Test
  void stoppingTheLastInstanceOnAMothershipUnwiresItsServers() {
    String server = cloud.agentRainServer("edge", "/shop/*");
    String m = cloud.restMothership("m", 8);
    Instance first = cloud.shopInstance(1);
    Instance last = cloud.instantiated("shop");

    Change firstStopped = cloud.stop(first).change();

    assertThat(cloud.state.wired(server, m)).as("the other instance still needs the wire").isTrue();
    assertThat(sqls(firstStopped)).doesNotContain(CloudSql.DELETE_WIRE);

    Change lastStopped = cloud.stop(last).change();

    assertThat(cloud.state.wired(server, m)).isFalse();
    assertThat(eventTypes(lastStopped)).containsExactly("instance.stopped", "wiring.removed", "command.queued");
    assertThat(sent(lastStopped, "disconnect")).singleElement()
        .satisfies(disconnect -> assertThat(disconnect.args().getString("mothershipId")).isEqualTo(m));
  }

  @Test
  void aRouteIsStickyForItsSessionAndANewSessionGoesToTheLeastLoadedServer() {
    cloud.restRainServer("edge-1", "/shop/*");
    cloud.restRainServer("edge-2", "/shop/*");

    JsonObject first = route("alice", "/shop/cart");
    JsonObject again = route("alice", "/shop/checkout?step=2");
    JsonObject other = route("bob", "/shop/cart");

    assertThat(serverOf(again)).isEqualTo(serverOf(first));
    assertThat(again.getBoolean("sticky")).isTrue();
    assertThat(again.getBoolean("moved")).isFalse();
    assertThat(serverOf(other)).isNotEqualTo(serverOf(first));
  }

  @Test
  void aRouteMovesWhenThePinnedServerIsUnregistered() {
    cloud.restRainServer("edge-1", "/shop/*");
    cloud.restRainServer("edge-2", "/shop/*");
    String pinned = serverOf(route("alice", "/shop/cart"));

    cloud.registry().unregisterServer(idKey(pinned));
    JsonObject moved = route("alice", "/shop/cart");

    assertThat(serverOf(moved)).isNotEqualTo(pinned);
    assertThat(moved.getBoolean("moved")).isTrue();
    assertThat(moved.getBoolean("sticky")).isFalse();
    assertThat(moved.getString("previousRainServerId")).isEqualTo(pinned);
  }

  @Test
  void aRouteNoServerRendersIsRefusedWith404OnTheUrl() {
    Refusal noServers = refusal(() -> route("alice", "/shop/cart"));
    cloud.restRainServer("edge", "/shop/*");
    Refusal otherUrl = refusal(() -> route("alice", "/blog/post"));

    assertThat(noServers.status()).isEqualTo(404);
    assertThat(noServers.field()).isEqualTo("url");
    assertThat(otherUrl.status()).isEqualTo(404);
    assertThat(otherUrl.body().getString("field")).isEqualTo("url");
  }

  @Test
  void aResetServerIsWiredAgainWhenNextRoutedTo() {
    String server = cloud.agentRainServer("edge", "/shop/*");
    String m = cloud.restMothership("m", 8);
    cloud.shopInstance(1);
    cloud.registry().resetServer(idKey(server));
    assertThat(cloud.state.wired(server, m)).isFalse();

    Decision routed = cloud.wiring().route(new JsonObject().put("url", "/shop/cart").put("session", "alice"));

    assertThat(serverOf(routed.reply().get())).isEqualTo(server);
    assertThat(cloud.state.wired(server, m)).isTrue();
    assertThat(sqls(routed.change())).containsExactly(CloudSql.INSERT_WIRE, Outbox.INSERT);
    assertThat(sent(routed.change(), "connect")).extracting(AgentCommand::nodeId).containsExactly(server);
  }

  @Test
  void routingToAServerThatNeedsNoNewWireChangesNothing() {
    cloud.restRainServer("edge", "/shop/*");

    Decision routed = cloud.wiring().route(new JsonObject().put("url", "/shop/cart").put("session", "alice"));

    assertThat(routed.changedNothing()).isTrue();
  }
}
