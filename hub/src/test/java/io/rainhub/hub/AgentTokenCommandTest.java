package io.rainhub.hub;

import static io.rainhub.hub.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rainhub agent-token} issues and revokes agent tokens through a running hub, as its admin. */
class AgentTokenCommandTest {

  private static final String PASSWORD = "cli-test-admin-password";

  @TempDir
  Path dataDir;

  @Test
  void issuesATokenOnStdoutAndRevokesIt() throws Exception {
    Map<HubOption, String> flags = LocalHubFlags.in(dataDir);
    flags.put(HubOption.ADMIN_PASSWORD, PASSWORD);
    Hub hub = Hub.start(HubConfigLoader.load(flags, Map.of()));
    try {
      String url = "http://127.0.0.1:" + hub.port();
      Path passwordFile = Files.writeString(dataDir.resolve("admin-password.txt"), PASSWORD + "\n");
      CliRun issued = run("agent-token", "--hub", url, "--name", "node-7", "--ttl-days", "2",
          "--password-file", passwordFile.toString());
      assertThat(issued.exit()).as(issued.err()).isZero();
      String token = issued.out().trim();
      assertThat(token.split("\\.")).as("a JWT alone on stdout, for scripts").hasSize(3);
      String id = issued.err().replaceAll("(?s).*agent token ([0-9a-f-]{36}).*", "$1");

      WebClient client = WebClient.create(hub.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(hub.port()));
      String admin = Hub.await(client.post("/auth/login").sendJsonObject(new JsonObject().put("username", "admin")
          .put("password", PASSWORD))).bodyAsJsonObject().getString("token");
      JsonObject listed = Hub.await(client.get("/v1.0/agent-tokens").bearerTokenAuthentication(admin).send())
          .bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
          .filter(item -> item.getString("id").equals(id)).findFirst().orElseThrow();
      assertThat(listed.getString("name")).isEqualTo("node-7");
      assertThat(listed.getString("revokedAt")).isNull();

      CliRun revoked = run("agent-token", "--hub", url, "--revoke", id, "--password-file", passwordFile.toString());
      assertThat(revoked.exit()).as(revoked.err()).isZero();
      assertThat(Hub.await(client.get("/v1.0/agent-tokens").bearerTokenAuthentication(admin).send()).bodyAsString())
          .contains("\"revokedAt\":\"");

      Path wrong = Files.writeString(dataDir.resolve("wrong.txt"), "not-the-password");
      CliRun refused = run("agent-token", "--hub", url, "--name", "x", "--password-file", wrong.toString());
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.err()).contains("login as admin failed (401)");
      assertThat(run("agent-token", "--hub", url).exit()).as("neither --name nor --revoke").isEqualTo(2);
    } finally {
      hub.stop();
    }
  }
}
