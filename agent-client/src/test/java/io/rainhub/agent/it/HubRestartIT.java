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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone hub killed with -9 and started again on its database, while a real agent backs off
 * from it: the restarted hub waits for the agent to come back and moves nothing. Before the
 * reconnect grace, the restarted hub gave the node only its TTL and declared it LOST.
 */
class HubRestartIT {

  private static final Duration START = Duration.ofSeconds(60);
  private static final long TTL_MS = 1500;
  private static final String PASSWORD = "restart-it-admin-password";

  @TempDir
  Path work;

  private final List<ChildProcess> processes = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (ChildProcess process : processes) {
      process.close();
    }
  }

  @Test
  void aKilledAndRestartedHubDeclaresNoHealthyAgentLostAndMovesNoInstance() throws Exception {
    int port = ChildProcess.freePort();
    Path hubDir = Files.createDirectories(work.resolve("hub"));
    ChildProcess hub = startHub(hubDir, port);
    HubApi api = new HubApi(port).login(PASSWORD);
    Path scripts = work.resolve("scripts");
    Files.writeString(Files.createDirectories(scripts.resolve("web").resolve("1.0")).resolve("start.sh"),
        "#!/bin/bash\nexit 0\n");
    ChildProcess agent = ChildProcess.java("agent", Files.createDirectories(work.resolve("agent")), Map.of(),
        ChildProcess.existingJar(Path.of("target", "rain-agent.jar")),
        "--hub", "ws://127.0.0.1:" + port, "--token", api.agentToken("steady"), "--kind", "mothership",
        "--name", "steady", "--capacity", "cpu=4,ramMb=4096,bandwidthMbps=100", "--scripts", scripts.toString(),
        "--state-dir", work.resolve("agent-state").toString());
    processes.add(agent);
    String nodeId = api.awaitMothership("steady", START).getString("id");
    api.send("POST", "/webcomponent/", new JsonObject().put("id", "web").put("version", "1.0")
        .put("urls", new JsonArray().add("/web/*"))
        .put("resources", new JsonObject().put("cpu", 1).put("ramMb", 256).put("bandwidthMbps", 1)));
    String instanceId = api.send("POST", "/webcomponent/web/1.0", new JsonObject()).json().getString("instanceId");
    HubApi.await("instance RUNNING", START, () -> api.get("/webcomponent/" + instanceId),
        i -> "RUNNING".equals(i.getString("state")));
    long mark = api.get("/v1.0/events?since=0&limit=1").getLong("newestSeq");

    hub.kill();
    Thread.sleep(2_000); // the agent backs off meanwhile
    hub = startHub(hubDir, port);
    HubApi restarted = new HubApi(port).login(PASSWORD);
    HubApi.await("the agent's hello to the restarted hub", Duration.ofSeconds(40),
        () -> restarted.get("/v1.0/events?since=" + mark + "&types=node.online,node.returned,node.reconnected"),
        page -> page.getJsonArray("items").stream().anyMatch(e -> e.toString().contains(nodeId)));
    Thread.sleep(3 * TTL_MS); // long enough for a wrong SUSPECT or LOST to show

    JsonArray trouble = restarted.get("/v1.0/events?since=" + mark
        + "&types=node.suspect,node.lost,instance.rescheduled,instance.unplaced").getJsonArray("items");
    assertThat(trouble).as("nothing was declared SUSPECT or LOST, nothing moved").isEmpty();
    assertThat(restarted.get("/mothership/" + nodeId).getString("state")).isEqualTo("AVAILABLE");
    JsonObject instance = restarted.get("/webcomponent/" + instanceId);
    assertThat(instance.getString("state")).isEqualTo("RUNNING");
    assertThat(instance.getJsonArray("placements").getJsonObject(0).getString("mothershipId")).isEqualTo(nodeId);
  }

  private ChildProcess startHub(Path dataDir, int port) throws Exception {
    ChildProcess hub = ChildProcess.java("hub", dataDir, Map.of("RAINHUB_ADMIN_PASSWORD", PASSWORD),
        ChildProcess.existingJar(Path.of("..", "hub", "target", "rainhub.jar")),
        "serve", "--host", "127.0.0.1", "--port", Integer.toString(port), "--data-dir", dataDir.resolve("data").toString(),
        "--heartbeat-interval-ms", "500", "--agent-ttl-ms", Long.toString(TTL_MS));
    processes.add(hub);
    hub.awaitLine("Rain Hub serving", START);
    return hub;
  }
}
