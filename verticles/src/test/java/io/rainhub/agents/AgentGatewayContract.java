package io.rainhub.agents;

import static io.rainhub.testing.TestHub.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.HubContract;
import io.rainhub.testing.TestAgent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The agent gateway over a real WebSocket: hello registers the same record REST shows, commands
 * follow cloud API changes and survive reconnects, silence makes a node SUSPECT then LOST.
 * Heartbeats every 200 ms and a 600 ms TTL keep it quick.
 */
abstract class AgentGatewayContract extends HubContract {

  @Override
  protected JsonObject hypervisorConfig() {
    return new JsonObject().put("heartbeatIntervalMs", 200).put("agentTtlMs", 600);
  }

  String agentToken() {
    JsonObject created = await(hub.postJson("/v1.0/agent-tokens", admin,
        new JsonObject().put("name", "agent-" + UUID.randomUUID()).put("ttlDays", 1))).bodyAsJsonObject();
    return created.getString("token");
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aMothershipAgentRegistersTheRecordRestListsAndGetsCommandsForItsInstances() {
    String name = unique("ms");
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      String pool = unique("pool");
      JsonObject welcome = agent.hello(TestAgent.motherhipHello(name, 64, 65536).put("labels", new JsonObject().put("pool", pool)));
      String nodeId = welcome.getString("nodeId");
      assertThat(welcome.getLong("heartbeatIntervalMs")).isEqualTo(200);
      assertThat(welcome.getLong("ttlMs")).isEqualTo(600);
      agent.heartbeat(new JsonArray());

      JsonObject listed = await(hub.get("/mothership/" + nodeId, admin)).bodyAsJsonObject();
      assertThat(listed.getString("name")).isEqualTo(name);
      assertThat(listed.getBoolean("agentManaged")).isTrue();

      String component = unique("comp");
      assertThat(await(hub.postJson("/webcomponent/", admin, new JsonObject().put("id", component).put("version", "1.0")
          .put("urls", new JsonArray().add("/" + component + "/*"))
          .put("resources", new JsonObject().put("cpu", 1).put("ramMb", 128).put("bandwidthMbps", 1))
          .put("labels", new JsonObject().put("pool", pool)))).statusCode()).isEqualTo(201);
      JsonObject instance = await(hub.postJson("/webcomponent/" + component + "/1.0", admin, new JsonObject()))
          .bodyAsJsonObject();
      String instanceId = instance.getString("instanceId");
      assertThat(instance.getString("state")).isEqualTo("PLACED");

      JsonObject command = agent.expect("command");
      assertThat(command.getJsonObject("body").getString("action")).isEqualTo("instantiate");
      assertThat(command.getJsonObject("body").getJsonObject("args").getString("instanceId")).isEqualTo(instanceId);
      agent.result(command, "succeeded");

      awaitState("/webcomponent/" + instanceId, "RUNNING");
    }
  }

  private void awaitState(String path, String expected) {
    long deadline = System.currentTimeMillis() + 10_000;
    String state = null;
    while (System.currentTimeMillis() < deadline) {
      state = await(hub.get(path, admin)).bodyAsJsonObject().getString("state");
      if (expected.equals(state)) {
        return;
      }
      sleep(50);
    }
    throw new AssertionError(path + " stayed " + state + ", expected " + expected);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
