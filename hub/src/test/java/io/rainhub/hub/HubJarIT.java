package io.rainhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.ChildProcess;
import io.rainhub.testing.TestDatabase;
import io.rainhub.store.SqlDialect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as an operator runs it: {@code rainhub serve} on the embedded default, the
 * generated admin password, refusals at start, and kill -9 losing nothing acknowledged.
 */
class HubJarIT {

  private static final Duration START = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path workDir;

  @Test
  void servesOnTheEmbeddedDefaultAndKeepsAcknowledgedChangesAcrossKillDashNine() throws Exception {
    int port = HubProcess.freePort();
    String token;
    try (ChildProcess hub = HubProcess.start(workDir, Map.of(), "serve", "--port", Integer.toString(port))) {
      String ready = hub.awaitLine(HubProcess.READY_LINE, START);
      assertThat(ready).contains(":" + port).contains("store h2:").contains("mode standalone").contains("started in");
      assertThat(hub.output()).contains("Generated password for user 'admin'");
      Path passwordFile = workDir.resolve("data").resolve("admin-password.txt");
      String password = Files.readString(passwordFile).trim();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");

      assertThat(get(port, "/health/ready", null).statusCode()).isEqualTo(200);
      token = login(port, password);
      HttpResponse<String> created = postJson(port, "/v1.0/tenants", token, "{\"name\":\"survivor\"}");
      assertThat(created.statusCode()).isEqualTo(201);
      // Acknowledged: now pull the plug, with no chance to flush anything.
      hub.kill();
    }
    try (ChildProcess again = HubProcess.start(workDir, Map.of(), "serve", "--port", Integer.toString(port))) {
      again.awaitLine(HubProcess.READY_LINE, START);
      assertThat(again.output()).doesNotContain("Generated password");
      HttpResponse<String> tenants = get(port, "/v1.0/tenants", token);
      assertThat(tenants.statusCode()).as("a token from before the crash stays valid: the key is stored").isEqualTo(200);
      assertThat(tenants.body()).contains("\"survivor\"");
    }
  }

  @Test
  void adminPasswordFromTheEnvironmentIsUsedAndNotWrittenDown() throws Exception {
    int port = HubProcess.freePort();
    try (ChildProcess hub = HubProcess.start(workDir, Map.of("RAINHUB_ADMIN_PASSWORD", "operator-chosen-secret",
        "RAINHUB_PORT", Integer.toString(port)), "serve")) {
      hub.awaitLine(HubProcess.READY_LINE, START);
      assertThat(login(port, "operator-chosen-secret")).isNotBlank();
      assertThat(hub.output()).doesNotContain("operator-chosen-secret");
      assertThat(workDir.resolve("data").resolve("admin-password.txt")).doesNotExist();
    }
  }

  @Test
  void clusterOnTheEmbeddedDatabaseIsRefused() throws Exception {
    try (ChildProcess hub = HubProcess.start(workDir, Map.of(), "serve", "--cluster")) {
      assertThat(hub.awaitExit(START)).isEqualTo(2);
      assertThat(hub.output()).contains("--cluster needs a database all hubs share");
    }
  }

  @Test
  void aDatabaseFromANewerHubIsRefused() throws Exception {
    TestDatabase database = TestDatabase.create(SqlDialect.POSTGRESQL);
    database.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
        + " checksum, installed_by, execution_time, success) VALUES (99, '999', 'from the future', 'SQL',"
        + " 'V999__from_the_future.sql', 0, 'test', 0, TRUE)");
    String uri = database.uri();
    try (ChildProcess hub = HubProcess.start(workDir, Map.of(), "serve", "--db", uri, "--port", "0")) {
      assertThat(hub.awaitExit(START)).isEqualTo(1);
      assertThat(hub.output()).contains("version 999").contains("newer than this hub");
    }
  }

  /**
   * An empty, truncated, unreadable or missing database is refused, never replaced by an empty
   * one: exit 1 and one line naming the file and what to do.
   */
  @Test
  void aDamagedOrMissingEmbeddedDatabaseIsRefusedNotReplaced() throws Exception {
    int port = HubProcess.freePort();
    try (ChildProcess hub = HubProcess.start(workDir, Map.of(), "serve", "--port", Integer.toString(port))) {
      hub.awaitLine(HubProcess.READY_LINE, START);
      assertThat(hub.terminate(START)).isTrue();
    }
    Path data = workDir.resolve("data");
    Path file = data.resolve("rainhub.mv.db");
    byte[] good = Files.readAllBytes(file);
    assertThat(data.resolve("database-created")).exists();

    Files.write(file, new byte[0]);
    assertRefused(file + " is empty (0 bytes): restore it from a backup, or move it away");
    // H2 would open a file cut after its header as a new, empty database.
    Files.write(file, java.util.Arrays.copyOf(good, 8192));
    assertRefused(file + " holds no Rain Hub schema: it is truncated");
    Files.write(file, java.util.Arrays.copyOf(good, 100));
    assertRefused(file + " cannot be opened, it is damaged or truncated");
    Files.delete(file);
    Files.createDirectory(file);
    assertRefused(file + " is not a regular file");
    Files.delete(file);
    assertRefused(file + " is missing, but " + data + " held one");

    Files.write(file, good);
    try (ChildProcess hub = HubProcess.start(workDir, Map.of(), "serve", "--port", Integer.toString(port))) {
      hub.awaitLine(HubProcess.READY_LINE, START);
      assertThat(hub.output()).as("the restored database keeps its admin").doesNotContain("Generated password");
    }
  }

  private void assertRefused(String expected) throws Exception {
    try (ChildProcess hub = HubProcess.start(workDir, Map.of(), "serve", "--port", "0")) {
      assertThat(hub.awaitExit(START)).as(hub.output()).isEqualTo(1);
      assertThat(hub.output().lines().filter(line -> line.startsWith("rainhub serve: could not start: ")))
          .as(hub.output()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains(expected).contains("/data/rainhub.mv.db");
      assertThat(hub.output()).as("no stack trace").doesNotContain("Generated password", "\tat ");
    }
  }

  @Test
  void helpNeedsNoDatabase() throws Exception {
    try (ChildProcess hub = HubProcess.start(workDir, Map.of(), "serve", "--help")) {
      assertThat(hub.awaitExit(START)).isZero();
      assertThat(hub.output()).contains("--data-dir", "RAINHUB_DATA_DIR", "--tls-cert", "--cluster");
    }
    assertThat(workDir.resolve("data")).doesNotExist();
  }

  private String login(int port, String password) throws Exception {
    HttpResponse<String> response = postJson(port, "/auth/login", null,
        "{\"username\":\"admin\",\"password\":\"" + password + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new io.vertx.core.json.JsonObject(response.body()).getString("token");
  }

  private HttpResponse<String> get(int port, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postJson(int port, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
