package io.rainhub.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The takeover benchmark's blocking REST client: logs in as admin, then registers motherships
 * ({@code POST /mothership/}) at whichever hub port it is told, each with the caller's
 * {@code X-Request-Id} so a repeat after a failure is answered, not applied twice. A request that
 * gets no HTTP answer (the hub died under it, or the timeout) is status {@link #NO_ANSWER}.
 */
final class RegistrationClient {

  static final int NO_ANSWER = -1;
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** An answer: its status ({@link #NO_ANSWER} for none) and what it said, for the failure list. */
  record Answer(int status, String detail) {
    boolean created() {
      return status == 201;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();
  private volatile String authorization;

  void login(int port, String password) {
    Answer answer = send(HttpRequest.newBuilder(uri(port, "/auth/login")), new JsonObject()
        .put("username", "admin").put("password", password), false);
    if (answer.status() != 200) {
      throw new BenchmarkFailure("login as admin at port " + port + " answered " + answer.status() + ": "
          + answer.detail());
    }
    String token = new JsonObject(answer.detail()).getString("token");
    if (token == null) {
      throw new BenchmarkFailure("login answered no token: " + answer.detail());
    }
    authorization = "Bearer " + token;
  }

  /** Registers a small mothership named {@code name}. */
  Answer register(int port, String name, String requestId) {
    JsonObject body = new JsonObject().put("name", name).put("address", name + ":1")
        .put("capacity", new JsonObject().put("cpu", 1).put("ramMb", 128).put("bandwidthMbps", 1));
    return send(HttpRequest.newBuilder(uri(port, "/mothership/")).header("X-Request-Id", requestId), body, true);
  }

  private Answer send(HttpRequest.Builder request, JsonObject body, boolean authorized) {
    request.timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (authorized) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Answer(NO_ANSWER, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
          + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(NO_ANSWER, "interrupted");
    }
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
