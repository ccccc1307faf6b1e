package io.rainhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.SqlDialect;
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
    var db = database.config();
    String uri = "postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + db.database();
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
      } finally {
        b.stop();
      }
    } finally {
      a.stop();
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
