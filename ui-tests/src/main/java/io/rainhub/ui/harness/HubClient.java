package io.rainhub.ui.harness;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** The hub's HTTP API as the tests and the benchmark use it: one user's session. */
public final class HubClient {

  public record Response(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private String token;

  public HubClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public HubClient login(String username, String password) throws Exception {
    Response login = send("POST", "/auth/login", new JsonObject().put("username", username).put("password", password));
    if (login.status() != 200) {
      throw new AssertionError("login of " + username + ": " + login);
    }
    token = login.json().getString("token");
    return this;
  }

  public String token() {
    return token;
  }

  public String agentToken(String name) throws Exception {
    return expect(201, "POST /v1.0/agent-tokens", send("POST", "/v1.0/agent-tokens",
        new JsonObject().put("name", name).put("ttlDays", 1))).getString("token");
  }

  /** A tenant and a user in it with the role {@code user}. */
  public void createUser(String tenant, String username, String password) throws Exception {
    expect(201, "POST /v1.0/tenants", send("POST", "/v1.0/tenants", new JsonObject().put("name", tenant)));
    expect(201, "POST /v1.0/users", send("POST", "/v1.0/users", new JsonObject().put("username", username)
        .put("password", password).put("tenant", tenant).put("roles", new JsonArray().add("user"))));
  }

  public Response send(String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body());
  }

  public JsonObject get(String path) throws Exception {
    return expect(200, "GET " + path, send("GET", path, null));
  }

  public static JsonObject expect(int status, String what, Response response) {
    if (response.status() != status) {
      throw new AssertionError(what + ": expected " + status + ", got " + response);
    }
    return response.body().isBlank() ? new JsonObject() : response.json();
  }

  /** The mothership named {@code name} once /mothership/all lists it. */
  public JsonObject awaitMothership(String name, Duration timeout) throws Exception {
    return await("mothership " + name, timeout, () -> get("/mothership/all").getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(m -> name.equals(m.getString("name"))).findFirst().orElse(null),
        found -> true);
  }

  public interface Probe<T> {
    T read() throws Exception;
  }

  /** Polls every 100 ms until {@code until} holds for a non-null reading. */
  public static <T> T await(String what, Duration timeout, Probe<T> probe, Predicate<T> until) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    while (System.nanoTime() < deadline) {
      last = probe.read();
      if (last != null && until.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(what + ": not reached within " + timeout + "; last seen: " + last);
  }
}
