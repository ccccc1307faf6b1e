package io.rainhub.agent;

import static io.rainhub.agent.FakeHub.awaitThat;
import static io.rainhub.agent.FakeHub.command;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.agent.FakeHub.Received;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A generic node's agent over real transports: a recipe shipped, a stage run, and the node leaving. */
@ExtendWith(VertxExtension.class)
class GenericAgentTest {

  @TempDir
  Path work;
  private FakeHub hub;
  private Vertx vertx;

  @BeforeEach
  void startHub(Vertx vertx) {
    this.vertx = vertx;
    hub = FakeHub.start(vertx);
  }

  private AgentConfig config(String name, AgentConfig.TransportKind transport) throws Exception {
    return new AgentConfig(HubEndpoints.parse(transport == AgentConfig.TransportKind.WS ? hub.wsUri() : hub.httpUri()),
        "T", new AgentIdentity("generic", name, "10.0.0.9", null, Map.of("pool", "webapp"), List.of(),
            AgentIdentity.currentVersion()),
        Files.createDirectories(work.resolve("scripts")), work.resolve("state").resolve(name), false, transport,
        TlsSettings.DEFAULT, Duration.ofSeconds(20));
  }

  private JsonObject awaitResult(String commandId) {
    awaitThat(() -> result(commandId) != null, Duration.ofSeconds(10), "the result of " + commandId);
    return result(commandId);
  }

  private JsonObject result(String commandId) {
    return hub.frames(Frames.RESULT).stream().map(Received::body)
        .filter(body -> commandId.equals(body.getString("commandId"))).findFirst().orElse(null);
  }

  @Test
  void overTheWebSocket() throws Exception {
    shipsRunsAndLeaves(AgentConfig.TransportKind.WS);
  }

  @Test
  void overTheHttpFallback() throws Exception {
    shipsRunsAndLeaves(AgentConfig.TransportKind.HTTP);
  }

  private void shipsRunsAndLeaves(AgentConfig.TransportKind transport) throws Exception {
    String name = "g-" + UUID.randomUUID().toString().substring(0, 8);
    AgentConfig config = config(name, transport);
    RainAgent agent = new RainAgent(config);
    String deployment = vertx.deployVerticle(agent).await();
    assertThat(hub.await(Frames.HELLO, 1).get(0).body().getJsonObject("labels"))
        .isEqualTo(new JsonObject().put("pool", "webapp"));
    String nodeId = "node-" + name;

    hub.push(nodeId, command("c-1", 1, "recipe", new JsonObject().put("type", "webapp").put("version", "1.0")
        .put("digest", "d1").put("files", new JsonObject().put("start.sh", "echo \"port=8$RAIN_INPUT_STAGE_NUMBER\" "
            + ">> \"$RAIN_EXPORTS_FILE\"; echo \"$RAIN_NODE_NAME\" > here"))));
    assertThat(awaitResult("c-1").getJsonObject("data")).isEqualTo(new JsonObject().put("digest", "d1"));
    hub.push(nodeId, command("c-2", 2, "stage", new JsonObject().put("type", "webapp").put("version", "1.0")
        .put("digest", "d1").put("stage", "start").put("stage_number", 81).put("timeoutMs", 10_000)));
    JsonObject started = awaitResult("c-2");
    assertThat(started.getString("status")).isEqualTo("succeeded");
    assertThat(started.getJsonObject("data").getJsonObject("exports")).isEqualTo(new JsonObject().put("port", "881"));
    NodeLayout layout = NodeLayout.of(name, config.stateDir());
    assertThat(Files.readString(layout.nodeDir().resolve("here")).trim()).isEqualTo(name);

    hub.push(nodeId, command("c-3", 3, "leave", new JsonObject()));

    agent.left().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(result("c-3").getString("status")).isEqualTo("succeeded");
    List<Received> goodbyes = hub.frames(nodeId, Frames.GOODBYE);
    assertThat(goodbyes).hasSize(1);
    assertThat(goodbyes.get(0).body().getString("reason")).isEqualTo("left the topology");
    Received leaveResult = hub.frames(nodeId, Frames.RESULT).stream()
        .filter(frame -> "c-3".equals(frame.body().getString("commandId"))).findFirst().orElseThrow();
    assertThat(leaveResult.nanos()).as("the hub has the result before the goodbye")
        .isLessThan(goodbyes.get(0).nanos());
    assertThat(config.stateDir()).as("a restart will not bring the node back").doesNotExist();
    assertThat(vertx.deploymentIDs()).doesNotContain(deployment);
  }
}
