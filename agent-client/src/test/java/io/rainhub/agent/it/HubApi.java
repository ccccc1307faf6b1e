package io.rainhub.agent.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** The hub's HTTP API as the tests use it: an admin session with small helpers. */
final class HubApi {

  record Response(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private String token;

  HubApi(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  HubApi login(String password) throws Exception {
    Response login = send("POST", "/auth/login", new JsonObject().put("username", "admin").put("password", password));
    if (login.status() != 200) {
      throw new AssertionError("login: " + login);
    }
    token = login.json().getString("token");
    return this;
  }

  /** The admin session's token (for the CLI's --token). */
  String token() {
    return token;
  }

  String agentToken(String name) throws Exception {
    Response created = send("POST", "/v1.0/agent-tokens", new JsonObject().put("name", name).put("ttlDays", 1));
    if (created.status() != 201) {
      throw new AssertionError("agent token: " + created);
    }
    return created.json().getString("token");
  }

  Response send(String method, String path, JsonObject body) throws Exception {
    return send(method, path, body, Duration.ofSeconds(30));
  }

  /** With a timeout of its own: a long poll ({@code ?wait=}) outlasts the default 30 s. */
  Response send(String method, String path, JsonObject body, Duration timeout) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
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

  JsonObject get(String path) throws Exception {
    Response response = send("GET", path, null);
    if (response.status() != 200) {
      throw new AssertionError("GET " + path + ": " + response);
    }
    return response.json();
  }

  /** The mothership named {@code name} once it appears in /mothership/all, or fails. */
  JsonObject awaitMothership(String name, Duration timeout) throws Exception {
    return await("mothership " + name, timeout, () -> {
      JsonArray items = get("/mothership/all").getJsonArray("items");
      for (int i = 0; i < items.size(); i++) {
        if (name.equals(items.getJsonObject(i).getString("name"))) {
          return items.getJsonObject(i);
        }
      }
      return null;
    }, found -> true);
  }

  interface Probe<T> {
    T read() throws Exception;
  }

  /** Polls every 50 ms until {@code until} holds for a non-null reading. */
  static <T> T await(String what, Duration timeout, Probe<T> probe, Predicate<T> until) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    while (System.nanoTime() < deadline) {
      last = probe.read();
      if (last != null && until.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(what + ": not reached within " + timeout + "; last seen: " + last);
  }
}
