package io.rainhub.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.ChildProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real rain-agent processes against a real hub process (both jars as an operator runs them):
 * kill -9 of an agent, commands across disconnects, interrupted commands, bad tokens.
 * Heartbeats every 500 ms and a 1.5 s TTL keep it quick.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentProcessesIT {

  private static final Duration START = Duration.ofSeconds(60);
  private static final long TTL_MS = 1500;
  private static final String PASSWORD = "agents-it-admin-password";

  @TempDir
  static Path work;

  private ChildProcess hub;
  private HubApi api;
  private int port;
  private final List<ChildProcess> agents = new ArrayList<>();

  @BeforeAll
  void startHub() throws Exception {
    port = ChildProcess.freePort();
    Path hubDir = Files.createDirectories(work.resolve("hub"));
    hub = ChildProcess.java("hub", hubDir, Map.of("RAINHUB_ADMIN_PASSWORD", PASSWORD), ChildProcess.existingJar(Path.of("..", "hub", "target", "rainhub.jar")),
        "serve", "--host", "127.0.0.1", "--port", Integer.toString(port),
        "--heartbeat-interval-ms", "500", "--agent-ttl-ms", Long.toString(TTL_MS));
    hub.awaitLine("Rain Hub serving", START);
    api = new HubApi(port).login(PASSWORD);
  }

  @AfterAll
  void stopAll() throws Exception {
    for (ChildProcess agent : agents) {
      agent.close();
    }
    hub.close();
  }

  private ChildProcess agent(String name, String token, Path stateDir, Path scripts, Map<String, String> env,
      String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--hub", "ws://127.0.0.1:" + port, "--token", token,
        "--kind", "mothership", "--name", name, "--capacity", "cpu=4,ramMb=4096,bandwidthMbps=100",
        "--labels", "pool=" + name.replaceAll("-[ab]$", ""), "--scripts", scripts.toString(),
        "--state-dir", stateDir.toString()));
    args.addAll(List.of(extra));
    ChildProcess agent = ChildProcess.java(name, Files.createDirectories(work.resolve("run-" + UUID.randomUUID())), env,
        ChildProcess.existingJar(Path.of("target", "rain-agent.jar")), args.toArray(String[]::new));
    agents.add(agent);
    return agent;
  }

  /** DIR/web/1.0/start.sh appends the instance id to $MARKER: the proof a start ran, and how often. */
  private Path scripts() throws Exception {
    Path scripts = Files.createDirectories(work.resolve("scripts-" + UUID.randomUUID()));
    Path start = Files.createDirectories(scripts.resolve("web").resolve("1.0")).resolve("start.sh");
    Files.writeString(start, "#!/bin/bash\necho \"$RAIN_INPUT_INSTANCEID\" >> \"$MARKER\"\n");
    return scripts;
  }

  @Test
  void killDashNineMakesTheNodeLostWithinTheTtlAndItsInstanceStartsOnAnotherAgent() throws Exception {
    String pool = "kill-" + UUID.randomUUID().toString().substring(0, 6);
    String token = api.agentToken(pool);
    Path scripts = scripts();
    Path markerA = work.resolve(pool + "-a.started");
    Path markerB = work.resolve(pool + "-b.started");
    ChildProcess a = agent(pool + "-a", token, work.resolve(pool + "-a-state"), scripts, Map.of("MARKER", markerA.toString()));
    ChildProcess b = agent(pool + "-b", token, work.resolve(pool + "-b-state"), scripts, Map.of("MARKER", markerB.toString()));
    String idA = api.awaitMothership(pool + "-a", START).getString("id");
    String idB = api.awaitMothership(pool + "-b", START).getString("id");

    assertThat(api.send("POST", "/webcomponent/", new JsonObject().put("id", "web").put("version", "1.0")
        .put("urls", new JsonArray().add("/" + pool + "/*"))
        .put("resources", new JsonObject().put("cpu", 1).put("ramMb", 256).put("bandwidthMbps", 1))
        .put("labels", new JsonObject().put("pool", pool))).status()).isIn(201, 409);
    JsonObject placed = api.send("POST", "/webcomponent/web/1.0", new JsonObject()).json();
    String instanceId = placed.getString("instanceId");
    String first = placed.getString("mothershipId");
    HubApi.await("instance RUNNING", START, () -> api.get("/webcomponent/" + instanceId),
        i -> i.getString("state").equals("RUNNING"));
    Path firstMarker = first.equals(idA) ? markerA : markerB;
    assertThat(Files.readAllLines(firstMarker)).containsExactly(instanceId);

    ChildProcess victim = first.equals(idA) ? a : b;
    String survivor = first.equals(idA) ? idB : idA;
    Path survivorMarker = first.equals(idA) ? markerB : markerA;
    long killedAt = System.nanoTime();
    victim.kill();
    HubApi.await("LOST", Duration.ofSeconds(10), () -> api.get("/mothership/" + first),
        m -> m.getString("state").equals("LOST"));
    long toLostMs = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.println("kill -9 to LOST: " + toLostMs + " ms (TTL " + TTL_MS + " ms)");
    // The last heartbeat came before the kill, so LOST is due at most one TTL after it; allow
    // for the 100 ms scan, the commit and the 50 ms polling on a busy CI machine.
    assertThat(toLostMs).isLessThanOrEqualTo(TTL_MS + 1000);

    JsonObject moved = HubApi.await("instance rescheduled and running", START,
        () -> api.get("/webcomponent/" + instanceId),
        i -> i.getString("state").equals("RUNNING")
            && i.getJsonArray("placements").getJsonObject(0).getString("mothershipId").equals(survivor));
    assertThat(moved.getJsonArray("placements")).hasSize(1);
    assertThat(Files.readAllLines(survivorMarker)).containsExactly(instanceId);
    assertThat(api.get("/mothership/" + first).getJsonObject("reserved").getDouble("cpu")).isZero();
  }

  @Test
  void commandsQueuedWhileTheAgentIsDownRunExactlyOnceWhenItReturnsAndNeverAgainAfterARestart() throws Exception {
    String name = "outbox-" + UUID.randomUUID().toString().substring(0, 6);
    String token = api.agentToken(name);
    Path state = work.resolve(name + "-state");
    Path log = work.resolve(name + ".guest.log");
    ChildProcess first = agent(name, token, state, scripts(), Map.of(), "--allow-guest");
    String nodeId = api.awaitMothership(name, START).getString("id");
    first.kill();
    HubApi.await("LOST", Duration.ofSeconds(10), () -> api.get("/mothership/" + nodeId),
        m -> m.getString("state").equals("LOST"));

    List<String> commandIds = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      HubApi.Response queued = api.send("POST", "/v1.0/nodes/" + nodeId + "/commands", new JsonObject()
          .put("action", "guest").put("timeoutMs", 100)
          .put("args", new JsonObject().put("command", "echo run-" + i + " >> '" + log + "'")));
      assertThat(queued.status()).as(queued.body()).isEqualTo(504);
      commandIds.add(queued.json().getString("commandId"));
    }
    assertThat(log).doesNotExist();

    ChildProcess back = agent(name, token, state, scripts(), Map.of(), "--allow-guest");
    for (String commandId : commandIds) {
      HubApi.await("command " + commandId + " succeeded", START, () -> api.get("/v1.0/commands/" + commandId),
          c -> c.getString("state").equals("SUCCEEDED"));
    }
    assertThat(Files.readAllLines(log)).containsExactly("run-1", "run-2", "run-3", "run-4", "run-5");
    assertThat(api.get("/mothership/" + nodeId).getString("state")).isEqualTo("AVAILABLE");

    // Another kill -9 and return: nothing is run twice.
    back.kill();
    agent(name, token, state, scripts(), Map.of(), "--allow-guest");
    HubApi.await("back online", START, () -> api.get("/v1.0/agents").getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(n -> n.getString("nodeId").equals(nodeId)).findFirst().orElse(null),
        n -> n.getString("state").equals("AVAILABLE") && n.getInteger("pendingCommands") == 0);
    Thread.sleep(1500);
    assertThat(Files.readAllLines(log)).containsExactly("run-1", "run-2", "run-3", "run-4", "run-5");
  }

  @Test
  void aCommandInterruptedByKillDashNineIsReportedFailedAndNeverRunAgain() throws Exception {
    String name = "interrupt-" + UUID.randomUUID().toString().substring(0, 6);
    String token = api.agentToken(name);
    Path state = work.resolve(name + "-state");
    Path log = work.resolve(name + ".guest.log");
    ChildProcess first = agent(name, token, state, scripts(), Map.of(), "--allow-guest");
    String nodeId = api.awaitMothership(name, START).getString("id");
    HubApi.Response slow = api.send("POST", "/v1.0/nodes/" + nodeId + "/commands", new JsonObject()
        .put("action", "guest").put("timeoutMs", 100)
        .put("args", new JsonObject().put("command", "echo begun >> '" + log + "'; sleep 30; echo finished >> '" + log + "'")
            .put("timeoutMs", 60_000)));
    String commandId = slow.json().getString("commandId");
    HubApi.await("the command began", START, () -> Files.exists(log) ? Files.readAllLines(log) : null,
        lines -> lines.contains("begun"));
    first.kill();

    agent(name, token, state, scripts(), Map.of(), "--allow-guest");
    JsonObject failed = HubApi.await("interrupted command failed", START, () -> api.get("/v1.0/commands/" + commandId),
        c -> !c.getString("state").equals("PENDING"));
    assertThat(failed.getString("state")).isEqualTo("FAILED");
    assertThat(failed.getJsonObject("result").getJsonArray("output").encode()).contains("interrupted");
    Thread.sleep(1000);
    assertThat(Files.readAllLines(log)).containsExactly("begun");
  }

  @Test
  void aCleanSigtermSaysGoodbyeSoTheNodeLeavesAtOnceAndItsInstanceMovesWithoutALoss() throws Exception {
    String pool = "bye-" + UUID.randomUUID().toString().substring(0, 6);
    String token = api.agentToken(pool);
    // A component of its own: the other tests share "web" and its labels.
    Path scripts = scripts();
    Files.copy(scripts.resolve("web").resolve("1.0").resolve("start.sh"),
        Files.createDirectories(scripts.resolve(pool).resolve("1.0")).resolve("start.sh"));
    Path markerA = work.resolve(pool + "-a.started");
    Path markerB = work.resolve(pool + "-b.started");
    ChildProcess a = agent(pool + "-a", token, work.resolve(pool + "-a-state"), scripts, Map.of("MARKER", markerA.toString()));
    ChildProcess b = agent(pool + "-b", token, work.resolve(pool + "-b-state"), scripts, Map.of("MARKER", markerB.toString()));
    String idA = api.awaitMothership(pool + "-a", START).getString("id");
    String idB = api.awaitMothership(pool + "-b", START).getString("id");
    assertThat(api.send("POST", "/webcomponent/", new JsonObject().put("id", pool).put("version", "1.0")
        .put("urls", new JsonArray().add("/" + pool + "/*"))
        .put("resources", new JsonObject().put("cpu", 1).put("ramMb", 256).put("bandwidthMbps", 1))
        .put("labels", new JsonObject().put("pool", pool))).status()).isEqualTo(201);
    JsonObject placed = api.send("POST", "/webcomponent/" + pool + "/1.0", new JsonObject()).json();
    String instanceId = placed.getString("instanceId");
    String first = placed.getString("mothershipId");
    HubApi.await("instance RUNNING", START, () -> api.get("/webcomponent/" + instanceId),
        i -> i.getString("state").equals("RUNNING"));
    long mark = api.get("/v1.0/events?since=0&limit=1").getLong("newestSeq");

    ChildProcess leaving = first.equals(idA) ? a : b;
    String survivor = first.equals(idA) ? idB : idA;
    long stoppedAt = System.nanoTime();
    assertThat(leaving.terminate(Duration.ofSeconds(5))).as("the agent exits on SIGTERM").isTrue();
    HubApi.await("LEFT", Duration.ofSeconds(10), () -> api.get("/mothership/" + first),
        m -> m.getString("state").equals("LEFT"));
    long toLeftMs = (System.nanoTime() - stoppedAt) / 1_000_000;
    System.out.println("SIGTERM to LEFT: " + toLeftMs + " ms (TTL " + TTL_MS + " ms)");
    assertThat(toLeftMs).as("at once, not after the TTL").isLessThan(TTL_MS);

    HubApi.await("instance moved and running", START, () -> api.get("/webcomponent/" + instanceId),
        i -> i.getString("state").equals("RUNNING")
            && i.getJsonArray("placements").getJsonObject(0).getString("mothershipId").equals(survivor));
    Thread.sleep(TTL_MS + 500); // a wrong LOST would show by now
    JsonArray events = api.get("/v1.0/events?since=" + mark + "&types=node.left,node.lost,node.suspect")
        .getJsonArray("items");
    assertThat(events.stream().map(e -> ((JsonObject) e).getString("type") + " " + ((JsonObject) e).getString("subject")))
        .containsExactly("node.left node/" + first);
  }

  @Test
  void sigtermStopsAConnectedAgentAndOneRetryingARefusedTokenPromptly() throws Exception {
    String name = "sigterm-" + UUID.randomUUID().toString().substring(0, 6);
    ChildProcess connected = agent(name, api.agentToken(name), work.resolve(name + "-state"), scripts(), Map.of());
    api.awaitMothership(name, START);
    ChildProcess refused = agent(name + "-x", "not.a.token", work.resolve(name + "-x-state"), scripts(), Map.of());
    refused.awaitLine("401", START);
    assertThat(connected.terminate(Duration.ofSeconds(5))).as("connected agent exits on SIGTERM").isTrue();
    assertThat(refused.terminate(Duration.ofSeconds(5))).as("retrying agent exits on SIGTERM").isTrue();
  }

  @Test
  void anAgentWithAForgedOrRevokedTokenNeverRegisters() throws Exception {
    String forgedName = "forged-" + UUID.randomUUID().toString().substring(0, 6);
    String real = api.agentToken(forgedName);
    String[] parts = real.split("\\.");
    String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    ChildProcess impostor = agent(forgedName, forged, work.resolve(forgedName + "-state"), scripts(), Map.of());
    impostor.awaitLine("401", START);

    String revokedName = "revoked-" + UUID.randomUUID().toString().substring(0, 6);
    HubApi.Response created = api.send("POST", "/v1.0/agent-tokens", new JsonObject().put("name", revokedName)
        .put("ttlDays", 1));
    assertThat(api.send("DELETE", "/v1.0/agent-tokens/" + created.json().getString("id"), null).status()).isEqualTo(200);
    ChildProcess revoked = agent(revokedName, created.json().getString("token"), work.resolve(revokedName + "-state"),
        scripts(), Map.of());
    revoked.awaitLine("401", START);

    String names = api.get("/mothership/all").encode();
    assertThat(names).doesNotContain(forgedName).doesNotContain(revokedName);
  }
}
