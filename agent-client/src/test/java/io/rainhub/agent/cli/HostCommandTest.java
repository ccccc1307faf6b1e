package io.rainhub.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.agent.AgentConfig;
import io.rainhub.agent.FileStateStore;
import io.rainhub.bus.Addresses;
import io.rainhub.store.SqlDialect;
import io.rainhub.testing.TestHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code rain-agent host} against a real hub running in this JVM (H2): several nodes, one leaving at a time. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostCommandTest {

  @TempDir
  Path work;
  private TestHub hub;
  private String admin;
  private String agentToken;

  @BeforeAll
  void startHub() {
    hub = TestHub.start(SqlDialect.H2);
    admin = TestHub.await(hub.adminToken());
    JsonObject created = TestHub.await(hub.postJson("/v1.0/agent-tokens", admin,
        new JsonObject().put("name", "host-test").put("ttlDays", 1))).bodyAsJsonObject();
    agentToken = created.getString("token");
  }

  @AfterAll
  void stopHub() {
    hub.close();
  }

  @Test
  void eachNodeGetsItsOwnStateLabelsAndTheSharedScriptPool() {
    HostCommand command = new HostCommand();
    new CommandLine(command).parseArgs("--hub", "ws://127.0.0.1:1", "--token", "T", "--base-dir",
        work.toString(), "--node", "n1", "--node", "n2", "--label", "pool=webapp", "--label", "zone=z1",
        "--script-timeout", "90s");

    List<AgentConfig> configs = command.configs();

    assertThat(configs).extracting(config -> config.identity().name()).containsExactly("n1", "n2");
    assertThat(configs).allSatisfy(config -> {
      assertThat(config.identity().kind()).isEqualTo("generic");
      assertThat(config.identity().labels()).isEqualTo(Map.of("pool", "webapp", "zone", "z1"));
      assertThat(config.stateDir()).isEqualTo(work.resolve(config.identity().name()));
      assertThat(config.scriptPool()).isEqualTo(new AgentConfig.ScriptPool(HostCommand.SCRIPT_POOL, 64));
      assertThat(config.scriptTimeout()).isEqualTo(Duration.ofSeconds(90));
    });
  }

  @Test
  void aNodeThatLeavesIsLeftWhileTheOthersStayAndTheProcessEndsWhenAllLeft() throws Exception {
    String prefix = "host-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    List<String> names = List.of(prefix + "a", prefix + "b", prefix + "c");
    Path base = work.resolve("nodes");
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(new HostCommand())
        .execute("--hub", "ws://127.0.0.1:" + hub.port(), "--token", agentToken, "--base-dir", base.toString(),
            "--node", names.get(0), "--node", names.get(1), "--node", names.get(2), "--label", "pool=webapp"));

    Map<String, JsonObject> nodes = awaitNodes(names, all -> all.size() == 3
        && all.values().stream().allMatch(node -> "AVAILABLE".equals(node.getString("state"))), "3 nodes AVAILABLE");
    // The agent stores the welcome's node id just after the hub answered its hello.
    long deadline = System.currentTimeMillis() + 10_000;
    while (!names.stream().allMatch(name -> Files.exists(base.resolve(name).resolve(FileStateStore.FILE_NAME)))
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    for (String name : names) {
      assertThat(base.resolve(name).resolve(FileStateStore.FILE_NAME)).exists();
    }
    Files.writeString(Files.createDirectories(base.resolve(names.get(0)).resolve("node")).resolve("data"), "x");

    JsonObject result = leave(nodes.get(names.get(0)).getString("nodeId"));
    assertThat(result.getString("status")).isEqualTo("succeeded");

    awaitNodes(names, all -> "LEFT".equals(all.get(names.get(0)).getString("state")), names.get(0) + " LEFT");
    assertThat(base.resolve(names.get(0))).as("its state, node directory and recipes are gone").doesNotExist();
    Thread.sleep(500);
    Map<String, JsonObject> after = awaitNodes(names, all -> true, "the nodes");
    assertThat(after.get(names.get(1)).getString("state")).isEqualTo("AVAILABLE");
    assertThat(after.get(names.get(2)).getString("state")).isEqualTo("AVAILABLE");
    assertThat(exit).as("two nodes are still here").isNotDone();

    leave(nodes.get(names.get(1)).getString("nodeId"));
    leave(nodes.get(names.get(2)).getString("nodeId"));

    assertThat(exit.get(15, TimeUnit.SECONDS)).isZero();
    awaitNodes(names, all -> all.values().stream().allMatch(node -> "LEFT".equals(node.getString("state"))),
        "every node LEFT");
  }

  /** A command as the workflow engine sends it: stored in the node's outbox, delivered over its connection. */
  private JsonObject leave(String nodeId) {
    String commandId = UUID.randomUUID().toString();
    TestHub.await(hub.vertx().eventBus().request(Addresses.HV_COMMAND_SEND, new JsonObject().put("nodeId", nodeId)
        .put("commandId", commandId).put("action", "leave").put("args", new JsonObject())));
    JsonObject[] done = {null};
    awaitThat(() -> {
      JsonObject command = TestHub.await(hub.get("/v1.0/commands/" + commandId, admin)).bodyAsJsonObject();
      done[0] = command;
      return command.getJsonObject("result") != null;
    }, "the result of leave " + commandId);
    return done[0].getJsonObject("result");
  }

  private Map<String, JsonObject> awaitNodes(List<String> names, Predicate<Map<String, JsonObject>> condition,
      String what) {
    @SuppressWarnings("unchecked")
    Map<String, JsonObject>[] seen = new Map[1];
    awaitThat(() -> {
      JsonArray items = TestHub.await(hub.get("/v1.0/agents?range=1000", admin)).bodyAsJsonObject()
          .getJsonArray("items");
      seen[0] = items.stream().map(JsonObject.class::cast).filter(node -> names.contains(node.getString("name")))
          .collect(Collectors.toMap(node -> node.getString("name"), node -> node));
      return seen[0].size() == names.size() && condition.test(seen[0]);
    }, what);
    return seen[0];
  }

  private static void awaitThat(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new AssertionError(interrupted);
      }
    }
  }
}
