package io.rainhub.agent;

import static io.rainhub.agent.FakeHub.awaitThat;
import static io.rainhub.agent.FakeHub.command;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.agent.FakeHub.Received;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP fallback against {@link FakeHub}: the same frames over POSTs and a long poll. */
@ExtendWith(VertxExtension.class)
class HttpTransportTest {

  @TempDir
  Path work;

  @Test
  void helloHeartbeatsAndACommandRoundTripOverTheHttpFallback(Vertx vertx) throws Exception {
    FakeHub hub = FakeHub.start(vertx);
    hub.keepResulted = true; // every poll brings the command back, as for a hub that lost the result
    Path marker = work.resolve("marker.txt");
    AgentConfig config = new AgentConfig(HubEndpoints.parse(hub.httpUri()), "T",
        new AgentIdentity("rainserver", "h", "10.0.0.8", null, Map.of(), List.of("/shop/*", "/cart/*"),
            AgentIdentity.currentVersion()),
        Files.createDirectories(work.resolve("scripts")), work.resolve("state"), true,
        AgentConfig.TransportKind.HTTP, TlsSettings.DEFAULT, Duration.ofSeconds(20));
    vertx.deployVerticle(new RainAgent(config)).await();

    Received hello = hub.await(Frames.HELLO, 1).get(0);
    assertThat(hello.via()).isEqualTo("http");
    assertThat(hello.body().getString("kind")).isEqualTo("rainserver");
    assertThat(hello.body().getJsonArray("urls")).isEqualTo(new JsonArray().add("/shop/*").add("/cart/*"));
    assertThat(hello.body().containsKey("capacity")).isFalse();
    List<Received> heartbeats = hub.await(Frames.HEARTBEAT, 3);
    assertThat(heartbeats).allSatisfy(heartbeat -> assertThat(heartbeat.nodeId()).isEqualTo("node-h"));
    assertThat(heartbeats.get(0).body().getJsonObject("metrics").getJsonArray("load")).hasSize(3);

    hub.push("node-h", command("c-1", 1, "guest", new JsonObject().put("command", "echo run >> " + marker
        + "; echo done")));
    awaitThat(() -> hub.frames(Frames.RESULT).size() >= 2, Duration.ofSeconds(10), "the result, then its resend");

    List<Received> results = hub.frames(Frames.RESULT);
    JsonObject expected = new JsonObject().put("commandId", "c-1").put("seq", 1).put("status", "succeeded")
        .put("output", new JsonArray().add("done")).put("exitCode", 0);
    assertThat(results.get(0).body()).isEqualTo(expected);
    assertThat(results.get(1).body()).isEqualTo(expected);
    assertThat(results).allSatisfy(result -> assertThat(result.nodeId()).isEqualTo("node-h"));
    assertThat(hub.frames(Frames.ACK)).hasSize(1);
    assertThat(hub.received.indexOf(hub.frames(Frames.ACK).get(0))).isLessThan(hub.received.indexOf(results.get(0)));
    assertThat(Files.readAllLines(marker)).containsExactly("run");
    assertThat(hub.authorizations).contains("/agents/http/hello Bearer T", "/agents/http/heartbeat Bearer T",
        "/agents/http/commands Bearer T", "/agents/http/frames Bearer T");
  }

  @Test
  void aHubThatForgotTheNodeGetsANewHello(Vertx vertx) throws Exception {
    FakeHub hub = FakeHub.start(vertx);
    AgentConfig config = new AgentConfig(HubEndpoints.parse(hub.httpUri()), "T",
        new AgentIdentity("generic", "g", "10.0.0.7", null, Map.of(), List.of(), AgentIdentity.currentVersion()),
        Files.createDirectories(work.resolve("scripts")), work.resolve("state"), false,
        AgentConfig.TransportKind.HTTP, TlsSettings.DEFAULT, Duration.ofSeconds(20));
    RainAgent agent = new RainAgent(config);
    vertx.deployVerticle(agent).await();
    hub.await(Frames.HEARTBEAT, 2);

    hub.forget("node-g");

    Received again = hub.await(Frames.HELLO, 2).get(1);
    assertThat(again.body().getString("nodeId")).isEqualTo("node-g");
    int heartbeats = hub.frames(Frames.HEARTBEAT).size();
    hub.await(Frames.HEARTBEAT, heartbeats + 2);
    assertThat(agent.counters().reconnects()).isPositive();
    assertThat(agent.counters().lastError()).contains("404");
  }

  @Test
  void whenItsHubGoesAwayTheAgentSaysHelloToTheNextHubWithinASecond(Vertx vertx) throws Exception {
    FakeHub first = FakeHub.start(vertx);
    FakeHub second = FakeHub.start(vertx);
    vertx.deployVerticle(new RainAgent(genericAgent("g", first.httpUri() + "," + second.httpUri()))).await();
    first.await(Frames.HEARTBEAT, 2);

    long closedAt = System.nanoTime();
    first.close();

    Received hello = second.await(Frames.HELLO, 1, Duration.ofSeconds(5)).get(0);
    assertThat(Duration.ofNanos(hello.nanos() - closedAt)).as("a failover, not a backoff")
        .isLessThan(Duration.ofMillis(1_000));
    assertThat(hello.via()).isEqualTo("http");
    assertThat(hello.body().getString("nodeId")).as("the same node, resumed").isEqualTo("node-g");
    second.await(Frames.HEARTBEAT, 2);
  }

  @Test
  void aCleanStopSaysGoodbyeAfterTheLastHeartbeat(Vertx vertx) throws Exception {
    FakeHub hub = FakeHub.start(vertx);
    String deployment = vertx.deployVerticle(new RainAgent(genericAgent("g", hub.httpUri()))).await();
    hub.await(Frames.HEARTBEAT, 2);

    vertx.undeploy(deployment).await();

    List<Received> goodbyes = hub.frames(Frames.GOODBYE);
    assertThat(goodbyes).singleElement().satisfies(goodbye -> {
      assertThat(goodbye.nodeId()).isEqualTo("node-g");
      assertThat(goodbye.via()).isEqualTo("http");
      assertThat(goodbye.body().getString("reason")).isEqualTo("agent stopped");
    });
    Thread.sleep(500);
    assertThat(hub.received.get(hub.received.size() - 1).type()).as("nothing after the goodbye")
        .isEqualTo(Frames.GOODBYE);
  }

  private AgentConfig genericAgent(String name, String hubs) throws Exception {
    return new AgentConfig(HubEndpoints.parse(hubs), "T",
        new AgentIdentity("generic", name, "10.0.0.7", null, Map.of(), List.of(), AgentIdentity.currentVersion()),
        Files.createDirectories(work.resolve("scripts")), work.resolve("state"), false,
        AgentConfig.TransportKind.HTTP, TlsSettings.DEFAULT, Duration.ofSeconds(20));
  }
}
