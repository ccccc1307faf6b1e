package io.rainhub.bench;

import static io.rainhub.bench.BoundedWaits.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;

/**
 * The benchmarks' HTTP client of the hub: one keep-alive connection pool, and the admin's bearer
 * token once {@link #login} has run. Requests from {@link #get}, {@link #post} and {@link #delete} carry the token
 * and time out after {@link #REQUEST_TIMEOUT_MS}.
 */
final class HubClient {

  static final long REQUEST_TIMEOUT_MS = 30_000;

  private final URI hub;
  private final WebClient client;
  private String authorization;

  /** @param poolSize connections to the hub: at least the requests a benchmark keeps in flight */
  HubClient(Vertx vertx, URI hub, int poolSize) {
    this.hub = hub;
    this.client = WebClient.create(vertx,
        new WebClientOptions()
            .setDefaultHost(hub.getHost())
            .setDefaultPort(hub.getPort())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setUserAgent("rainhub-benchmarks"),
        new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(-1));
  }

  /** Logs in as admin; every later {@link #get} and {@link #post} sends the token. */
  void login(String password) {
    HttpResponse<Buffer> response = await(client.post("/auth/login")
        .timeout(REQUEST_TIMEOUT_MS)
        .sendJsonObject(new JsonObject().put("username", "admin").put("password", password)), "login");
    if (response.statusCode() != 200) {
      throw new BenchmarkFailure("login as admin answered " + response.statusCode() + ": " + response.bodyAsString());
    }
    String token = response.bodyAsJsonObject().getString("token");
    if (token == null) {
      throw new BenchmarkFailure("login answered no token: " + response.bodyAsString());
    }
    authorization = "Bearer " + token;
  }

  /** {@code Bearer TOKEN}, for wrk's Lua script. */
  String authorization() {
    return authorization;
  }

  HttpRequest<Buffer> get(String path) {
    return client.get(path).putHeader("Authorization", authorization).timeout(REQUEST_TIMEOUT_MS);
  }

  HttpRequest<Buffer> post(String path) {
    return client.post(path).putHeader("Authorization", authorization).timeout(REQUEST_TIMEOUT_MS);
  }

  HttpRequest<Buffer> delete(String path) {
    return client.delete(path).putHeader("Authorization", authorization).timeout(REQUEST_TIMEOUT_MS);
  }

  /** The same pool without the token: /metrics, and the bare servers' ports on 127.0.0.1. */
  WebClient anonymous() {
    return client;
  }

  URI uri() {
    return hub;
  }

  String httpUrl() {
    return "http://" + hub.getHost() + ":" + hub.getPort();
  }

  /** Where agents connect: the hub's host and port over ws://. */
  String wsUrl() {
    return "ws://" + hub.getHost() + ":" + hub.getPort();
  }
}
