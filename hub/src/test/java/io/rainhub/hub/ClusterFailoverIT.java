package io.rainhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.SqlDialect;
import io.rainhub.testing.ChildProcess;
import io.rainhub.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hub processes clustered on PostgreSQL; the one running the hypervisor is killed with -9.
 * The other takes over from the store, and the cloud API keeps its data.
 */
class ClusterFailoverIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final String PASSWORD = "failover-password-1";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path workDir;

  @Test
  void killingTheHubThatRunsTheHypervisorLosesNothing() throws Exception {
    TestDatabase database = TestDatabase.create(SqlDialect.POSTGRESQL);
    String uri = database.uri();
    Path dirA = Files.createDirectories(workDir.resolve("a"));
    Path dirB = Files.createDirectories(workDir.resolve("b"));
    int portA = HubProcess.freePort();
    int portB = HubProcess.freePort();
    Map<String, String> env = Map.of("RAINHUB_ADMIN_PASSWORD", PASSWORD);
    try (ChildProcess a = HubProcess.start(dirA, env, "serve", "--cluster", "--db", uri, "--port", Integer.toString(portA),
        "--host", "127.0.0.1")) {
      a.awaitLine("This hub runs the hypervisor", START);
      try (ChildProcess b = HubProcess.start(dirB, env, "serve", "--cluster", "--db", uri, "--port",
          Integer.toString(portB), "--host", "127.0.0.1")) {
        assertThat(b.awaitLine(HubProcess.READY_LINE, START)).contains("2 member(s)");
        String token = login(portB);
        HttpResponse<String> registered = post(portB, "/mothership/", token,
            "{\"name\":\"survivor\",\"address\":\"s:1\",\"capacity\":{\"cpu\":2,\"ramMb\":256,\"bandwidthMbps\":10}}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);

        a.kill();
        b.awaitLine("This hub runs the hypervisor", Duration.ofSeconds(30));
        HttpResponse<String> listed = awaitOk(portB, "/mothership/all", token, Duration.ofSeconds(30));
        assertThat(listed.body()).contains("\"survivor\"");
        // Until Hazelcast drops the dead hub's bus registrations, a request may still be routed to
        // it: it is answered 503 (never applied) and the client retries, as this one does.
        HttpResponse<String> another;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        do {
          another = post(portB, "/mothership/", token,
              "{\"name\":\"after\",\"address\":\"t:1\",\"capacity\":{\"cpu\":2,\"ramMb\":256,\"bandwidthMbps\":10}}");
        } while (another.statusCode() == 503 && System.nanoTime() < deadline);
        assertThat(another.statusCode()).as(another.body()).isEqualTo(201);
        assertThat(awaitOk(portB, "/mothership/all", token, Duration.ofSeconds(5)).body().split("\"after\"", -1))
            .as("registered exactly once despite the retries").hasSize(2);
      }
    }
  }

  private String login(int port) throws Exception {
    HttpResponse<String> response = post(port, "/auth/login", null,
        "{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new io.vertx.core.json.JsonObject(response.body()).getString("token");
  }

  /** Requests sent while the cluster still routes to the dead hub are answered 503; retry until 200. */
  private HttpResponse<String> awaitOk(int port, String path, String token, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    HttpResponse<String> response;
    do {
      response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        return response;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no 200 from " + path + " within " + within + "; last: " + response.statusCode() + " "
        + response.body());
  }

  private HttpResponse<String> post(int port, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
