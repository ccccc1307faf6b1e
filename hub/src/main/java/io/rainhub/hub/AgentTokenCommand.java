package io.rainhub.hub;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rainhub agent-token}: issues (or revokes) an agent token through a running hub's API, as
 * an admin, so operators can provision agents from a shell. Prints the token alone on stdout.
 */
@Command(name = "agent-token", mixinStandardHelpOptions = true,
    description = "Issue an agent token (prints it on stdout), or revoke one with --revoke ID.")
final class AgentTokenCommand implements Callable<Integer> {

  @Option(names = "--hub", defaultValue = "http://127.0.0.1:8080", description = "Hub base URL (default: ${DEFAULT-VALUE})")
  String hub;

  @Option(names = "--name", description = "Name of the token, e.g. the node it is for")
  String name;

  @Option(names = "--ttl-days", defaultValue = "365", description = "Validity in days (default: ${DEFAULT-VALUE})")
  int ttlDays;

  @Option(names = "--revoke", paramLabel = "ID", description = "Revoke the token with this id instead")
  String revoke;

  @Option(names = "--user", defaultValue = "admin", description = "Admin user (default: ${DEFAULT-VALUE})")
  String user;

  @Option(names = "--password-file", defaultValue = "data/admin-password.txt",
      description = "File holding the admin password; RAINHUB_ADMIN_PASSWORD wins when set (default: ${DEFAULT-VALUE})")
  Path passwordFile;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if ((name == null) == (revoke == null)) {
      err.println("agent-token: give either --name (issue) or --revoke ID");
      return 2;
    }
    String password = System.getenv("RAINHUB_ADMIN_PASSWORD");
    if (password == null || password.isBlank()) {
      if (!Files.isReadable(passwordFile)) {
        err.println("agent-token: no admin password: set RAINHUB_ADMIN_PASSWORD or --password-file (" + passwordFile
            + " is not readable)");
        return 2;
      }
      password = Files.readString(passwordFile).trim();
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String base = hub.endsWith("/") ? hub.substring(0, hub.length() - 1) : hub;
    HttpResponse<String> login = http.send(json(base + "/auth/login", null)
        .POST(body(new JsonObject().put("username", user).put("password", password))).build(),
        HttpResponse.BodyHandlers.ofString());
    if (login.statusCode() != 200) {
      err.println("agent-token: login as " + user + " failed (" + login.statusCode() + "): " + login.body());
      return 1;
    }
    String token = new JsonObject(login.body()).getString("token");
    HttpRequest request = revoke != null
        ? json(base + "/v1.0/agent-tokens/" + revoke, token).DELETE().build()
        : json(base + "/v1.0/agent-tokens", token)
            .POST(body(new JsonObject().put("name", name).put("ttlDays", ttlDays))).build();
    HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() / 100 != 2) {
      err.println("agent-token: the hub answered " + answer.statusCode() + ": " + answer.body());
      return 1;
    }
    JsonObject record = new JsonObject(answer.body());
    PrintWriter out = spec.commandLine().getOut();
    out.println(revoke != null ? "revoked " + record.getString("id") + " at " + record.getString("revokedAt")
        : record.getString("token"));
    out.flush();
    err.println(revoke != null ? "" : "agent token " + record.getString("id") + " (" + name + "), valid until "
        + record.getString("expiresAt"));
    err.flush();
    return 0;
  }

  private static HttpRequest.Builder json(String url, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json");
    return token == null ? builder : builder.header("Authorization", "Bearer " + token);
  }

  private static HttpRequest.BodyPublisher body(JsonObject json) {
    return HttpRequest.BodyPublishers.ofString(json.encode());
  }
}
