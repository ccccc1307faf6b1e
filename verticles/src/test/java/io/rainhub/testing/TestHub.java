package io.rainhub.testing;

import io.rainhub.HubVerticle;
import io.rainhub.api.HttpApiVerticle;
import io.rainhub.metrics.HubMetrics;
import io.rainhub.store.SqlDialect;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;

/**
 * A real hub for tests: a fresh migrated database, Vert.x with the hub's metrics, {@link HubVerticle}
 * on a free port, and a web client pointed at it. The admin password is fixed so tests can log in.
 */
public final class TestHub implements AutoCloseable {

  public static final String ADMIN_PASSWORD = "test-admin-password-1";

  private final Vertx vertx;
  private final TestDatabase database;
  private final int port;
  private final WebClient client;

  private TestHub(Vertx vertx, TestDatabase database, int port) {
    this.vertx = vertx;
    this.database = database;
    this.port = port;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  public static TestHub start(SqlDialect dialect) {
    return start(TestDatabase.create(dialect), new JsonObject());
  }

  /** {@code http} entries override the HTTP verticle's configuration (e.g. bodyLimit). */
  public static TestHub start(TestDatabase database, JsonObject http) {
    return start(database, http, new JsonObject());
  }

  /** {@code hypervisor} entries override the hypervisor's configuration (e.g. heartbeatIntervalMs). */
  public static TestHub start(TestDatabase database, JsonObject http, JsonObject hypervisor) {
    return start(database, http, hypervisor, new JsonObject());
  }

  /** {@code auth} entries override the login settings (e.g. loginThrottleMillis, pbkdf2Iterations, passwordWorkers). */
  public static TestHub start(TestDatabase database, JsonObject http, JsonObject hypervisor, JsonObject auth) {
    return start(database, http, hypervisor, auth, new JsonObject());
  }

  /**
   * {@code workflow} is the engine's configuration (recipesDir, agentJar, localDir). Its recipesDir
   * also goes to the HTTP verticle, which validates topology documents against the same recipes.
   */
  public static TestHub start(TestDatabase database, JsonObject http, JsonObject hypervisor, JsonObject auth,
      JsonObject workflow) {
    JsonObject httpConfig = http.copy();
    if (workflow.getString("recipesDir") != null) {
      httpConfig.put("recipesDir", workflow.getString("recipesDir"));
    }
    VertxOptions options = HubMetrics.enable(new VertxOptions());
    Vertx vertx = Vertx.builder().with(options).withMetrics(HubMetrics.factory()).build();
    JsonObject config = new JsonObject()
        .put(HubMetrics.REGISTRY_KEY, HubMetrics.registryName(options))
        .put("database", database.config().toJson())
        .put("dataDir", database.dataDir().toString())
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).mergeIn(httpConfig))
        .put("auth", new JsonObject().put("adminPassword", ADMIN_PASSWORD).put("tokenTtlSeconds", 600).mergeIn(auth))
        .put("hypervisor", hypervisor)
        .put("workflow", workflow);
    await(vertx.deployVerticle(HubVerticle::new, new DeploymentOptions().setConfig(config)));
    int port = vertx.sharedData().<String, Integer>getLocalMap(HttpApiVerticle.LOCAL_MAP).get(HttpApiVerticle.PORT_KEY);
    return new TestHub(vertx, database, port);
  }

  public Vertx vertx() {
    return vertx;
  }

  public WebClient client() {
    return client;
  }

  public int port() {
    return port;
  }

  public TestDatabase database() {
    return database;
  }

  /** Logs in and returns the token. */
  public Future<String> login(String username, String password) {
    return client.post("/auth/login").sendJsonObject(new JsonObject().put("username", username).put("password", password))
        .map(response -> {
          if (response.statusCode() != 200) {
            throw new AssertionError("login as " + username + " got " + response.statusCode() + ": " + response.bodyAsString());
          }
          return response.bodyAsJsonObject().getString("token");
        });
  }

  public Future<String> adminToken() {
    return login("admin", ADMIN_PASSWORD);
  }

  /** POSTs JSON with a bearer token. */
  public Future<HttpResponse<Buffer>> postJson(String path, String token, JsonObject body) {
    return client.post(path).bearerTokenAuthentication(token).sendJsonObject(body);
  }

  public Future<HttpResponse<Buffer>> get(String path, String token) {
    return client.get(path).bearerTokenAuthentication(token).send();
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
