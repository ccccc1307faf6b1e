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
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A real agent over a real WebSocket against {@link FakeHub}, with real scripts in a temporary folder. */
@ExtendWith(VertxExtension.class)
class RainAgentTest {

  private static final JsonObject CAPACITY = new JsonObject().put("cpu", 4).put("ramMb", 8192)
      .put("bandwidthMbps", 1000);

  @TempDir
  Path work;
  private Path scripts;
  private FakeHub hub;
  private Vertx vertx;

  @BeforeEach
  void startHub(Vertx vertx) throws Exception {
    this.vertx = vertx;
    scripts = Files.createDirectories(work.resolve("scripts"));
    hub = FakeHub.start(vertx);
  }

  private AgentConfig config(String name, boolean allowGuest) {
    return new AgentConfig(HubEndpoints.parse(hub.wsUri()), "T",
        new AgentIdentity("mothership", name, "10.0.0.9", CAPACITY, Map.of("zone", "z1"), List.of(),
            AgentIdentity.currentVersion()),
        scripts, stateDir(name), allowGuest, AgentConfig.TransportKind.WS, TlsSettings.DEFAULT,
        Duration.ofSeconds(20));
  }

  private Path stateDir(String name) {
    return work.resolve("state").resolve(name);
  }

  private RainAgent deploy(AgentConfig config) {
    RainAgent agent = new RainAgent(config);
    vertx.deployVerticle(agent).await();
    return agent;
  }

  private void script(String component, String version, LifecycleStep step, String body) throws Exception {
    Path dir = Files.createDirectories(scripts.resolve(component).resolve(version));
    Files.writeString(dir.resolve(step.scriptName()), body + "\n");
  }

  private Path marker() {
    return work.resolve("marker.txt");
  }

  private JsonObject awaitResult(String commandId, int count) {
    awaitThat(() -> results(commandId).size() >= count, Duration.ofSeconds(10), count + " results of " + commandId);
    return results(commandId).get(count - 1);
  }

  private List<JsonObject> results(String commandId) {
    return hub.frames(Frames.RESULT).stream().map(Received::body)
        .filter(body -> commandId.equals(body.getString("commandId"))).toList();
  }

  @Test
  void saysHelloThenHeartbeatsAtTheWelcomeInterval() throws Exception {
    long before = System.currentTimeMillis();
    deploy(config("a", false));

    Received hello = hub.await(Frames.HELLO, 1).get(0);
    assertThat(hub.authorizations).contains("/agents/ws Bearer T");
    assertThat(UUID.fromString(hello.frame().getString("id"))).isNotNull();
    assertThat(hello.frame().getLong("seq")).isEqualTo(1);
    assertThat(hello.frame().getLong("ts")).isBetween(before, System.currentTimeMillis());
    assertThat(hello.body()).isEqualTo(new JsonObject()
        .put("protocol", 1).put("kind", "mothership").put("name", "a").put("address", "10.0.0.9")
        .put("capacity", CAPACITY).put("labels", new JsonObject().put("zone", "z1"))
        .put("agentVersion", "dev").put("lastCommandSeq", 0).put("instances", new JsonArray()));

    List<Received> heartbeats = hub.await(Frames.HEARTBEAT, 6);
    JsonObject metrics = heartbeats.get(0).body().getJsonObject("metrics");
    assertThat(metrics.getDouble("cpu")).isBetween(0.0, 1.0);
    assertThat(metrics.getJsonObject("memory").getLong("totalMb")).isPositive();
    assertThat(metrics.getJsonObject("memory").getLong("usedMb")).isPositive();
    assertThat(metrics.getJsonObject("network").getDouble("rxMbps")).isNotNegative();
    assertThat(metrics.getJsonObject("network").getDouble("txMbps")).isNotNegative();
    assertThat(metrics.getJsonArray("load")).hasSize(3);
    assertThat(heartbeats.get(0).body().getJsonArray("instances")).isEmpty();
    double averageGapMs = (heartbeats.get(5).nanos() - heartbeats.get(1).nanos()) / 4 / 1e6;
    assertThat(averageGapMs).isBetween(150.0, 300.0);
    assertThat(heartbeats.stream().map(frame -> frame.frame().getLong("seq")).toList()).isSorted().doesNotHaveDuplicates();

    JsonObject state = new JsonObject(Files.readString(stateDir("a").resolve(FileStateStore.FILE_NAME)));
    assertThat(state.getString("nodeId")).isEqualTo("node-a");
  }

  @Test
  void reconnectsSoonAfterTheHubClosesTheSocketAndSaysWhoItIs() throws Exception {
    deploy(config("a", false));
    hub.await(Frames.HELLO, 1);
    hub.push("node-a", command("c-1", 1, "instantiate", new JsonObject().put("instanceId", "i-1")
        .put("componentId", "cart").put("version", "1.0").put("generation", 2)));
    awaitResult("c-1", 1);

    long closedAt = System.nanoTime();
    hub.closeSockets();
    Received again = hub.await(Frames.HELLO, 2).get(1);

    // The backoff restarted at the welcome: the first delay is at most 250 ms.
    assertThat(Duration.ofNanos(again.nanos() - closedAt)).isLessThan(Duration.ofMillis(1_500));
    assertThat(hub.connectionCount()).isEqualTo(2);
    assertThat(again.body().getString("nodeId")).isEqualTo("node-a");
    assertThat(again.body().getLong("lastCommandSeq")).isEqualTo(1);
    assertThat(again.body().getJsonArray("instances")).containsExactly(
        new JsonObject().put("instanceId", "i-1").put("state", "RUNNING").put("generation", 2));
  }

  @Test
  void whenItsHubGoesAwayTheAgentIsWelcomedByTheNextHubWithinASecondAsTheSameNode() throws Exception {
    FakeHub second = FakeHub.start(vertx);
    AgentConfig single = config("a", false);
    deploy(new AgentConfig(HubEndpoints.parse(List.of(hub.wsUri() + "," + second.wsUri())), single.token(),
        single.identity(), single.scriptsDir(), single.stateDir(), false, single.transport(), single.tls(),
        single.scriptTimeout()));
    hub.await(Frames.HELLO, 1);
    awaitNodeIdStored("a");

    long closedAt = System.nanoTime();
    hub.close();

    Received hello = second.await(Frames.HELLO, 1, Duration.ofSeconds(5)).get(0);
    assertThat(Duration.ofNanos(hello.nanos() - closedAt)).as("a failover, not a backoff")
        .isLessThan(Duration.ofMillis(1_000));
    assertThat(hello.body().getString("nodeId")).as("the same node, resumed").isEqualTo("node-a");
    second.await(Frames.HEARTBEAT, 2);
    assertThat(hub.frames(Frames.HELLO)).hasSize(1);
  }

  @Test
  void aDeadFirstHubCostsOneFailedConnect() throws Exception {
    FakeHub dead = FakeHub.start(vertx);
    dead.close();
    AgentConfig single = config("a", false);
    long started = System.nanoTime();
    deploy(new AgentConfig(HubEndpoints.parse(List.of(dead.wsUri(), hub.wsUri())), single.token(),
        single.identity(), single.scriptsDir(), single.stateDir(), false, single.transport(), single.tls(),
        single.scriptTimeout()));

    Received hello = hub.await(Frames.HELLO, 1).get(0);
    assertThat(Duration.ofNanos(hello.nanos() - started)).isLessThan(Duration.ofMillis(1_000));
    awaitNodeIdStored("a");
  }

  /** Lets the welcome's node id land in the state directory before the test's directory is deleted. */
  private void awaitNodeIdStored(String name) {
    Path file = stateDir(name).resolve(FileStateStore.FILE_NAME);
    awaitThat(() -> {
      try {
        return Files.exists(file) && !Files.exists(stateDir(name).resolve(FileStateStore.FILE_NAME + ".tmp"))
            && Files.readString(file).contains("node-" + name);
      } catch (java.io.IOException renamedMeanwhile) {
        return false;
      }
    }, Duration.ofSeconds(5), "the node id stored");
  }

  @Test
  void aHubThatHangsWithoutClosingTheSocketIsLeftAndReconnectedTo() throws Exception {
    AgentConfig quick = config("a", false);
    deploy(new AgentConfig(quick.hubs(), quick.token(), quick.identity(), quick.scriptsDir(), quick.stateDir(),
        quick.allowGuest(), quick.transport(), quick.tls(), quick.scriptTimeout(),
        new WebSocketTransport.KeepAlive(Duration.ofMillis(100), Duration.ofMillis(600))));
    hub.await(Frames.HELLO, 1);
    Thread.sleep(1_000);
    assertThat(hub.connectionCount()).as("pongs keep a live hub's socket open").isEqualTo(1);

    long frozenAt = System.nanoTime();
    hub.freezeSockets();
    Received again = hub.await(Frames.HELLO, 2, Duration.ofSeconds(15)).get(1);
    // Silence limit, then the close gives up on the hung hub after 2 s, then the backoff.
    assertThat(Duration.ofNanos(again.nanos() - frozenAt)).isLessThan(Duration.ofSeconds(6));
    assertThat(again.body().getString("nodeId")).isEqualTo("node-a");
  }

  @Test
  void aRefusedTokenIsRetriedWithBackoffUntilTheHubAcceptsIt() {
    hub.acceptedToken = "another";
    RainAgent agent = deploy(config("a", false));
    awaitThat(() -> agent.counters().errors() >= 3, Duration.ofSeconds(5), "three refused upgrades");
    assertThat(hub.upgradeAttempts.get()).isGreaterThanOrEqualTo(3);
    assertThat(hub.frames(Frames.HELLO)).isEmpty();
    assertThat(agent.counters().lastError()).contains("401");

    hub.acceptedToken = "T";
    hub.await(Frames.HELLO, 1, Duration.ofSeconds(5));
    awaitThat(() -> agent.counters().welcomed() == 1, Duration.ofSeconds(5), "the welcome");
    assertThat(agent.counters().connected()).isEqualTo(1);
    // The welcome's node id is being written to the state directory: let it land before the
    // test's directory is deleted (it once failed on state.json.tmp).
    awaitThat(() -> Files.exists(stateDir("a").resolve(FileStateStore.FILE_NAME))
        && !Files.exists(stateDir("a").resolve(FileStateStore.FILE_NAME + ".tmp")), Duration.ofSeconds(5),
        "the node id stored");
  }

  @Test
  void aCommandRunsOnceAndItsResultIsSentAgainWhenTheHubSendsItAgainAfterAReconnect() throws Exception {
    script("cart", "1.0", LifecycleStep.INSTALL, """
        echo "installing $RAIN_INPUT_INSTANCEID with cpu $RAIN_INPUT_RESOURCES_CPU"
        grep -o '"role":"[a-z]*"' "$RAIN_INPUT_FILE"
        echo once >> "%s"
        """.formatted(marker()));
    hub.keepResulted = true; // the hub "lost" the result: it sends the command again after each welcome
    deploy(config("a", false));
    hub.await(Frames.HELLO, 1);
    hub.push("node-a", command("c-1", 1, "instantiate", new JsonObject().put("instanceId", "i-1")
        .put("componentId", "cart").put("version", "1.0").put("role", "primary").put("generation", 1)
        .put("resources", new JsonObject().put("cpu", 2).put("ramMb", 512))));

    JsonObject result = awaitResult("c-1", 1);
    assertThat(result).isEqualTo(new JsonObject().put("commandId", "c-1").put("seq", 1).put("status", "succeeded")
        .put("output", new JsonArray().add("installing i-1 with cpu 2").add("\"role\":\"primary\""))
        .put("exitCode", 0).put("data", new JsonObject().put("instanceId", "i-1").put("state", "RUNNING")));
    List<Received> frames = hub.received;
    int ack = indexOf(frames, Frames.ACK);
    assertThat(ack).isNotNegative().isLessThan(indexOf(frames, Frames.RESULT));
    assertThat(frames.get(ack).body()).isEqualTo(new JsonObject().put("commandId", "c-1").put("seq", 1));
    JsonObject state = new JsonObject(Files.readString(stateDir("a").resolve(FileStateStore.FILE_NAME)));
    assertThat(state.getLong("lastCommandSeq")).isEqualTo(1);
    assertThat(state.getJsonArray("commands").getJsonObject(0).getString("status")).isEqualTo("succeeded");

    hub.closeSockets();
    hub.await(Frames.HELLO, 2);
    assertThat(awaitResult("c-1", 2)).isEqualTo(result);
    assertThat(hub.frames(Frames.ACK)).hasSize(1);
    assertThat(Files.readAllLines(marker())).containsExactly("once");
  }

  @Test
  void aCommandTheAgentDiedWhileRunningFailsAsInterruptedAndIsNotRunAgain() throws Exception {
    Files.createDirectories(stateDir("a"));
    Files.writeString(stateDir("a").resolve(FileStateStore.FILE_NAME), new JsonObject()
        .put("nodeId", "node-a").put("lastCommandSeq", 4)
        .put("commands", new JsonArray().add(new JsonObject().put("commandId", "c-5").put("seq", 5)
            .put("action", "guest").put("status", "started")))
        .encode());
    deploy(config("a", true));

    Received hello = hub.await(Frames.HELLO, 1).get(0);
    assertThat(hello.body().getString("nodeId")).isEqualTo("node-a");
    hub.push("node-a", command("c-5", 5, "guest", new JsonObject().put("command", "echo ran >> " + marker())));

    assertThat(awaitResult("c-5", 1)).isEqualTo(new JsonObject().put("commandId", "c-5").put("seq", 5)
        .put("status", "failed").put("output", new JsonArray().add(AgentState.INTERRUPTED)));
    assertThat(hub.frames(Frames.ACK)).isEmpty();
    assertThat(marker()).doesNotExist();
  }

  @Test
  void instantiateRunsInstallConfigureStartInOrderAndStopsAtTheFirstFailure() throws Exception {
    for (String component : List.of("good", "bad")) {
      script(component, "1.0", LifecycleStep.INSTALL, "echo " + component + "-install >> " + marker());
      script(component, "1.0", LifecycleStep.START, "echo " + component + "-start >> " + marker());
    }
    script("good", "1.0", LifecycleStep.CONFIGURE, "echo good-configure >> " + marker());
    script("bad", "1.0", LifecycleStep.CONFIGURE, "echo bad-configure >> " + marker() + "; echo 'no port'; exit 3");
    deploy(config("a", false));
    hub.await(Frames.HELLO, 1);

    hub.push("node-a", command("c-1", 1, "instantiate", new JsonObject().put("instanceId", "i-good")
        .put("componentId", "good").put("version", "1.0").put("generation", 1)));
    hub.push("node-a", command("c-2", 2, "instantiate", new JsonObject().put("instanceId", "i-bad")
        .put("componentId", "bad").put("version", "1.0").put("generation", 1)));

    assertThat(awaitResult("c-1", 1).getString("status")).isEqualTo("succeeded");
    JsonObject failed = awaitResult("c-2", 1);
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getInteger("exitCode")).isEqualTo(3);
    assertThat(failed.getJsonArray("output")).containsExactly("no port", "configure.sh failed with exit code 3");
    assertThat(failed.getJsonObject("data")).isEqualTo(new JsonObject().put("instanceId", "i-bad")
        .put("state", "FAILED").put("failedStep", "configure"));
    assertThat(Files.readAllLines(marker()))
        .containsExactly("good-install", "good-configure", "good-start", "bad-install", "bad-configure");
    awaitThat(() -> lastHeartbeatInstances().size() == 2, Duration.ofSeconds(5), "a heartbeat with both instances");
    assertThat(lastHeartbeatInstances()).isEqualTo(new JsonArray()
        .add(new JsonObject().put("instanceId", "i-good").put("state", "RUNNING").put("generation", 1))
        .add(new JsonObject().put("instanceId", "i-bad").put("state", "FAILED").put("generation", 1)));
  }

  @Test
  void guestCommandsAreRefusedWithoutAllowGuest() {
    deploy(config("a", false));
    hub.await(Frames.HELLO, 1);
    hub.push("node-a", command("c-1", 1, "guest", new JsonObject().put("command", "echo ran >> " + marker())));

    JsonObject result = awaitResult("c-1", 1);
    assertThat(result.getString("status")).isEqualTo("failed");
    assertThat(result.getJsonArray("output").getString(0)).contains("--allow-guest");
    assertThat(marker()).doesNotExist();
  }

  @Test
  void guestCommandsRunWithBashWhenAllowedAndTheirTimeoutKills() {
    deploy(config("a", true));
    hub.await(Frames.HELLO, 1);
    hub.push("node-a", command("c-1", 1, "guest", new JsonObject().put("command", "echo one; echo two; exit 2")));
    hub.push("node-a", command("c-2", 2, "guest", new JsonObject().put("command", "echo slow; sleep 20")
        .put("timeoutMs", 300)));

    assertThat(awaitResult("c-1", 1)).isEqualTo(new JsonObject().put("commandId", "c-1").put("seq", 1)
        .put("status", "failed").put("exitCode", 2)
        .put("output", new JsonArray().add("one").add("two").add("the command failed with exit code 2")));
    JsonObject slow = awaitResult("c-2", 1);
    assertThat(slow.getString("status")).isEqualTo("failed");
    assertThat(slow.getJsonArray("output")).containsExactly("slow", "the command timed out and was killed");
  }

  @Test
  void stopRefreshUpdateAndTheWireActionsKeepTheStateTheHubExpects() throws Exception {
    script("cart", "1.0", LifecycleStep.STOP, "echo stop >> " + marker());
    script("cart", "1.0", LifecycleStep.UNDEPLOY, "echo undeploy >> " + marker());
    script("cart", "1.0", LifecycleStep.REFRESH, "echo refresh-$RAIN_INPUT_GENERATION >> " + marker());
    script("cart", "2.0", LifecycleStep.UPDATE, "echo update >> " + marker());
    Path node = Files.createDirectories(scripts.resolve("_node"));
    Files.writeString(node.resolve("connect.sh"), "echo connect-$RAIN_INPUT_MOTHERSHIPID >> " + marker() + "\n");
    deploy(config("a", false));
    hub.await(Frames.HELLO, 1);
    JsonObject cart = new JsonObject().put("instanceId", "i-1").put("componentId", "cart").put("version", "1.0");

    hub.push("node-a", command("c-1", 1, "instantiate", cart.copy().put("generation", 1)));
    hub.push("node-a", command("c-2", 2, "refresh", cart.copy().put("generation", 2)));
    hub.push("node-a", command("c-3", 3, "update", cart.copy().put("version", "2.0")));
    hub.push("node-a", command("c-4", 4, "stop", cart.copy()));
    hub.push("node-a", command("c-5", 5, "stop", cart.copy().put("instanceId", "i-unknown")));
    hub.push("node-a", command("c-6", 6, "connect", new JsonObject().put("mothershipId", "m-1").put("address", "10.1.1.1")));
    hub.push("node-a", command("c-7", 7, "connect", new JsonObject().put("mothershipId", "m-2").put("address", "10.1.1.2")));
    hub.push("node-a", command("c-8", 8, "disconnect", new JsonObject().put("mothershipId", "m-1")));
    hub.push("node-a", command("c-9", 9, "teleport", new JsonObject()));
    hub.push("node-a", command("c-10", 10, "instantiate", new JsonObject().put("componentId", "cart")));

    for (int seq = 1; seq <= 8; seq++) {
      assertThat(awaitResult("c-" + seq, 1).getString("status")).as("command %d", seq).isEqualTo("succeeded");
    }
    assertThat(awaitResult("c-5", 1).getJsonArray("output")).containsExactly("unknown instance i-unknown: nothing to stop");
    assertThat(awaitResult("c-8", 1).getJsonObject("data"))
        .isEqualTo(new JsonObject().put("wires", new JsonObject().put("m-2", "10.1.1.2")));
    assertThat(awaitResult("c-9", 1).getJsonArray("output")).containsExactly("unknown action: teleport");
    assertThat(awaitResult("c-10", 1).getJsonArray("output"))
        .containsExactly("instantiate failed: args.instanceId is required");
    assertThat(Files.readAllLines(marker()))
        .containsExactly("refresh-2", "update", "stop", "undeploy", "connect-m-1", "connect-m-2");
    JsonObject state = new JsonObject(Files.readString(stateDir("a").resolve(FileStateStore.FILE_NAME)));
    assertThat(state.getJsonObject("instances")).isEmpty();
    assertThat(state.getJsonObject("wires")).isEqualTo(new JsonObject().put("m-2", "10.1.1.2"));
    assertThat(state.getLong("lastCommandSeq")).isEqualTo(10);
  }

  @Test
  void framesItCannotUseAreAnsweredWithErrorFrames() {
    deploy(config("a", false));
    hub.await(Frames.HELLO, 1);
    hub.sendRaw("node-a", "{not json");
    hub.sendRaw("node-a", Frames.frame("gossip", 0, new JsonObject()).encode());
    hub.sendRaw("node-a", Frames.frame(Frames.COMMAND, 3, new JsonObject().put("action", "guest")).encode());

    List<Received> errors = hub.await(Frames.ERROR, 3);
    assertThat(errors).extracting(error -> error.body().getString("code"))
        .containsExactly("malformed", "unknown-type", "malformed");
    assertThat(errors.get(1).body().getString("inReplyTo")).isNotNull();
  }

  private JsonArray lastHeartbeatInstances() {
    List<Received> heartbeats = hub.frames(Frames.HEARTBEAT);
    return heartbeats.isEmpty() ? new JsonArray()
        : heartbeats.get(heartbeats.size() - 1).body().getJsonArray("instances");
  }

  private static int indexOf(List<Received> frames, String type) {
    for (int i = 0; i < frames.size(); i++) {
      if (type.equals(frames.get(i).type())) {
        return i;
      }
    }
    return -1;
  }
}
