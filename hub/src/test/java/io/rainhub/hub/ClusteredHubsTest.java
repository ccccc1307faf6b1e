package io.rainhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.SqlDialect;
import io.rainhub.testing.TestAgent;
import io.rainhub.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two hubs with --cluster on one PostgreSQL database find each other and act as one. */
class ClusteredHubsTest {

  @TempDir
  Path dataA;
  @TempDir
  Path dataB;

  @Test
  void twoHubsFormAClusterAndShareTheirSigningKey() throws Exception {
    TestDatabase database = TestDatabase.create(SqlDialect.POSTGRESQL);
    String uri = database.uri();
    Hub a = Hub.start(settings(uri, dataA));
    try {
      Hub b = Hub.start(settings(uri, dataB));
      try {
        assertThat(a.clusterMembersAtStart()).isEqualTo(1);
        assertThat(b.clusterMembersAtStart()).isEqualTo(2);
        assertThat(a.vertx().isClustered()).isTrue();

        WebClient clientA = client(a);
        WebClient clientB = client(b);
        // Ready once Hazelcast reports the cluster safe (partitions migrated), as a load balancer would poll.
        JsonObject readyB = awaitReady(clientB);
        assertThat(readyB.getString("status")).as(readyB.encode()).isEqualTo("UP");
        assertThat(readyB.getJsonArray("checks").encode()).contains("\"cluster\"").contains("\"store\"");

        // Logged in on A, served by B: one key, one user table.
        HttpResponse<Buffer> login = Hub.await(clientA.post("/auth/login")
            .sendJsonObject(new JsonObject().put("username", "admin").put("password", "cluster-admin-pass")));
        assertThat(login.statusCode()).isEqualTo(200);
        String token = login.bodyAsJsonObject().getString("token");
        HttpResponse<Buffer> created = Hub.await(clientB.post("/v1.0/tenants").bearerTokenAuthentication(token)
            .sendJsonObject(new JsonObject().put("name", "made-on-b")));
        assertThat(created.statusCode()).isEqualTo(201);
        HttpResponse<Buffer> listedOnA = Hub.await(clientA.get("/v1.0/tenants").bearerTokenAuthentication(token).send());
        assertThat(listedOnA.bodyAsString()).contains("made-on-b");

        // One hypervisor for the cluster: placements through both hubs share one view of capacity.
        for (int i = 0; i < 3; i++) {
          HttpResponse<Buffer> registered = Hub.await((i % 2 == 0 ? clientA : clientB).post("/mothership/")
              .bearerTokenAuthentication(token).sendJsonObject(new JsonObject().put("name", "m" + i)
                  .put("address", "m" + i + ":1").put("capacity", new JsonObject().put("cpu", 4).put("ramMb", 4096)
                      .put("bandwidthMbps", 100))));
          assertThat(registered.statusCode()).as(registered.bodyAsString()).isEqualTo(201);
        }
        Hub.await(clientB.post("/webcomponent/").bearerTokenAuthentication(token).sendJsonObject(new JsonObject()
            .put("id", "w").put("version", "1").put("urls", new io.vertx.core.json.JsonArray().add("/w/*"))
            .put("resources", new JsonObject().put("cpu", 1).put("ramMb", 64).put("bandwidthMbps", 1))));
        java.util.List<io.vertx.core.Future<HttpResponse<Buffer>>> attempts = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
          attempts.add((i % 2 == 0 ? clientA : clientB).post("/webcomponent/w/1").bearerTokenAuthentication(token).send());
        }
        Hub.await(io.vertx.core.Future.join(attempts).otherwiseEmpty());
        long placed = attempts.stream().filter(f -> f.succeeded() && f.result().statusCode() == 201).count();
        long refused = attempts.stream().filter(f -> f.succeeded() && f.result().statusCode() == 409).count();
        assertThat(placed).as("room for 12 across the cluster").isEqualTo(12);
        assertThat(refused).isEqualTo(8);
      } finally {
        b.stop();
      }
    } finally {
      a.stop();
    }
  }

  /**
   * An agent connected to the hub that does not run the hypervisor: its hello and heartbeats reach
   * the hypervisor over the clustered bus, its commands come back the same way, and revoking its
   * token on the other hub closes its session.
   */
  @Test
  void anAgentOnOneHubIsCommandedByTheHypervisorOnTheOther() throws Exception {
    TestDatabase database = TestDatabase.create(SqlDialect.POSTGRESQL);
    String uri = database.uri();
    Hub a = Hub.start(settings(uri, dataA));
    Hub b = Hub.start(settings(uri, dataB));
    try {
      WebClient clientA = client(a);
      awaitReady(client(b));
      String token = Hub.await(clientA.post("/auth/login")
          .sendJsonObject(new JsonObject().put("username", "admin").put("password", "cluster-admin-pass")))
          .bodyAsJsonObject().getString("token");
      JsonObject issued = Hub.await(clientA.post("/v1.0/agent-tokens").bearerTokenAuthentication(token)
          .sendJsonObject(new JsonObject().put("name", "cluster-agent").put("ttlDays", 1))).bodyAsJsonObject();
      try (TestAgent agent = Hub.await(TestAgent.connect(b.vertx(), b.port(), issued.getString("token")))) {
        String nodeId = agent.hello(TestAgent.mothershipHello("on-b", 4, 4096)
            .put("labels", new JsonObject().put("pool", "cluster"))).getString("nodeId");
        agent.keepAlive();
        Hub.await(clientA.post("/webcomponent/").bearerTokenAuthentication(token).sendJsonObject(new JsonObject()
            .put("id", "cw").put("version", "1").put("urls", new io.vertx.core.json.JsonArray().add("/cw/*"))
            .put("labels", new JsonObject().put("pool", "cluster"))
            .put("resources", new JsonObject().put("cpu", 1).put("ramMb", 64).put("bandwidthMbps", 1))));
        JsonObject placed = Hub.await(clientA.post("/webcomponent/cw/1").bearerTokenAuthentication(token).send())
            .bodyAsJsonObject();
        assertThat(placed.getString("mothershipId")).isEqualTo(nodeId);

        JsonObject start = agent.expectCommand("instantiate");
        assertThat(start.getJsonObject("body").getJsonObject("args").getString("instanceId"))
            .isEqualTo(placed.getString("instanceId"));
        agent.result(start, "succeeded");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        String state;
        do {
          state = Hub.await(clientA.get("/webcomponent/" + placed.getString("instanceId"))
              .bearerTokenAuthentication(token).send()).bodyAsJsonObject().getString("state");
          Thread.sleep(50);
        } while (!"RUNNING".equals(state) && System.nanoTime() < deadline);
        assertThat(state).isEqualTo("RUNNING");

        Hub.await(clientA.delete("/v1.0/agent-tokens/" + issued.getString("id")).bearerTokenAuthentication(token).send());
        assertThat(agent.awaitClose(10_000)).as("revoked on A, closed on B").isEqualTo((short) 1008);
      }
    } finally {
      b.stop();
      a.stop();
    }
  }

  /** When the hub running the hypervisor leaves, another takes over from what was stored. */
  @Test
  void anotherHubTakesOverTheHypervisor() throws Exception {
    TestDatabase database = TestDatabase.create(SqlDialect.POSTGRESQL);
    String uri = database.uri();
    Hub a = Hub.start(settings(uri, dataA));
    Hub b = Hub.start(settings(uri, dataB));
    try {
      WebClient clientB = client(b);
      String token = Hub.await(clientB.post("/auth/login")
          .sendJsonObject(new JsonObject().put("username", "admin").put("password", "cluster-admin-pass")))
          .bodyAsJsonObject().getString("token");
      HttpResponse<Buffer> registered = Hub.await(clientB.post("/mothership/").bearerTokenAuthentication(token)
          .sendJsonObject(new JsonObject().put("name", "survivor").put("address", "s:1")
              .put("capacity", new JsonObject().put("cpu", 1).put("ramMb", 1).put("bandwidthMbps", 1))));
      assertThat(registered.statusCode()).isEqualTo(201);
      a.stop();
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      HttpResponse<Buffer> listed;
      do {
        listed = Hub.await(clientB.get("/mothership/all").bearerTokenAuthentication(token).send());
        if (listed.statusCode() == 200) {
          break;
        }
        Thread.sleep(200);
      } while (System.nanoTime() < deadline);
      assertThat(listed.statusCode()).as(listed.bodyAsString()).isEqualTo(200);
      assertThat(listed.bodyAsString()).contains("survivor");
    } finally {
      b.stop();
    }
  }

  private static HubSettings settings(String uri, Path dataDir) {
    Map<HubOption, String> flags = new EnumMap<>(HubOption.class);
    flags.put(HubOption.CONFIG, dataDir.resolve("none.yaml").toString());
    flags.put(HubOption.DB, uri);
    flags.put(HubOption.CLUSTER, "true");
    flags.put(HubOption.PORT, "0");
    flags.put(HubOption.HOST, "127.0.0.1");
    flags.put(HubOption.DATA_DIR, dataDir.toString());
    flags.put(HubOption.ADMIN_PASSWORD, "cluster-admin-pass");
    try {
      java.nio.file.Files.writeString(dataDir.resolve("none.yaml"), "");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return HubConfigLoader.load(flags, Map.of());
  }

  private static JsonObject awaitReady(WebClient client) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    JsonObject ready;
    do {
      ready = Hub.await(client.get("/health/ready").send()).bodyAsJsonObject();
      if ("UP".equals(ready.getString("status"))) {
        break;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    return ready;
  }

  private static WebClient client(Hub hub) {
    return WebClient.create(hub.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(hub.port()));
  }
}
