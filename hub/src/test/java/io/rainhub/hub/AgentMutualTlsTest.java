package io.rainhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --agent-client-ca: agents need a client certificate the agent CA signed on top of their token;
 * people's clients (no certificate) are still served.
 */
class AgentMutualTlsTest {

  private static final String PASSWORD = "mtls-test-admin-password";

  @TempDir
  Path dataDir;

  private Hub hub;
  private WebClient people;
  private final List<WebSocketClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Map<HubOption, String> flags = LocalHubFlags.in(dataDir);
    flags.put(HubOption.TLS_CERT, resource("cert.pem"));
    flags.put(HubOption.TLS_KEY, resource("key.pem"));
    flags.put(HubOption.AGENT_CLIENT_CA, resource("agent-ca.pem"));
    flags.put(HubOption.ADMIN_PASSWORD, PASSWORD);
    hub = Hub.start(HubConfigLoader.load(flags, Map.of()));
    // One connection per request, so each call also proves a fresh TLS handshake without a certificate.
    people = WebClient.create(hub.vertx(), new WebClientOptions().setSsl(true).setKeepAlive(false)
        .setTrustOptions(new PemTrustOptions().addCertPath(resource("cert.pem")))
        .setDefaultHost("localhost").setDefaultPort(hub.port()));
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(WebSocketClient::close);
    hub.stop();
  }

  @Test
  void anAgentWithTokenAndCertificateIsWelcomedOthersAreRefused() throws Exception {
    String admin = step("login", people.post("/auth/login").sendJsonObject(new JsonObject().put("username", "admin")
        .put("password", PASSWORD))).bodyAsJsonObject().getString("token");
    assertThat(step("whoami", people.get("/v1.0/whoami").bearerTokenAuthentication(admin).send()).statusCode())
        .as("people need no certificate").isEqualTo(200);
    String token = step("issue token", people.post("/v1.0/agent-tokens").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("name", "tls-agent").put("ttlDays", 1))).bodyAsJsonObject()
        .getString("token");

    WebSocket socket = step("connect with the agent certificate", connect(token, "agent-cert.pem", "agent-key.pem"));
    CompletableFuture<JsonObject> welcome = new CompletableFuture<>();
    socket.textMessageHandler(text -> welcome.complete(new JsonObject(text)));
    socket.writeTextMessage(new JsonObject().put("type", "hello").put("id", "h1").put("seq", 1).put("ts", 0)
        .put("body", new JsonObject().put("protocol", 1).put("kind", "generic").put("name", "tls-node")
            .put("address", "tls-node:1").put("agentVersion", "test").put("lastCommandSeq", 0)).encode());
    assertThat(welcome.get(10, TimeUnit.SECONDS).getString("type")).isEqualTo("welcome");
    socket.close();

    Throwable noCertificate = failure(connect(token, null, null));
    assertThat(noCertificate).isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) noCertificate).getStatus()).isEqualTo(401);

    Throwable stranger = failure(connect(token, "stranger-cert.pem", "stranger-key.pem"));
    assertThat(stranger).as("a certificate the agent CA did not sign never gets a session").isNotNull();
  }

  private Future<WebSocket> connect(String token, String cert, String key) throws Exception {
    WebSocketClientOptions options = new WebSocketClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(resource("cert.pem")));
    if (cert != null) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(resource(cert)).setKeyPath(resource(key)));
    }
    // Kept referenced until the test ends: Vert.x shuts an unreferenced client down when it is
    // garbage collected, aborting its handshake (vert.x#5839; this test failed that way under load).
    WebSocketClient client = hub.vertx().createWebSocketClient(options);
    clients.add(client);
    return client.connect(new WebSocketConnectOptions().setHost("localhost")
        .setPort(hub.port()).setURI("/agents/ws").addHeader("Authorization", "Bearer " + token));
  }

  /** Awaits one step of the test; a failure names the step. */
  private static <T> T step(String name, Future<T> future) throws Exception {
    try {
      return Hub.await(future);
    } catch (Exception failed) {
      throw new AssertionError(name + " failed: " + failed, failed);
    }
  }

  private static Throwable failure(Future<?> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().handle((ok, failure) -> failure).get(10, TimeUnit.SECONDS);
  }

  private String resource(String name) throws Exception {
    return Path.of(getClass().getResource("/tls/" + name).toURI()).toString();
  }
}
