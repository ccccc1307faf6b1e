package io.rainhub.agent.webapp;

import io.rainhub.agent.Backoff;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP app of the {@code webapp} recipe: {@code GET /} counts in PostgreSQL and names
 * this node, {@code GET /health} says whether the database answers. It listens at once and
 * keeps trying the database with backoff, so it may start before its database; a database error
 * is a 503 problem, never a crash.
 */
public final class WebappVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebappVerticle.class);
  private static final int POOL_SIZE = 4;

  private final WebappOptions options;
  private final Backoff backoff = new Backoff(200, 5_000);
  private CounterStore store;
  private HttpServer server;
  /** True once the table exists; a failed query clears it and the setup runs again. */
  private boolean ready;
  /** A setup chain (an attempt or the wait before the next) is under way. */
  private boolean settingUp;
  private long retryTimer = -1;
  private boolean stopped;

  public WebappVerticle(WebappOptions options) {
    this.options = options;
  }

  @Override
  public Future<?> start() {
    store = new CounterStore(PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(POOL_SIZE))
        .connectingTo(new PgConnectOptions().setHost(options.dbHost()).setPort(options.dbPort())
            .setDatabase(options.dbName()).setUser(options.dbUser()))
        .using(vertx)
        .build());
    setUpDatabase();
    // No h2c upgrade: behind a load balancer, an upgraded connection is a tunnel to this one node
    // and every later request of that client would bypass the balancing.
    server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
        .requestHandler(this::route);
    return server.listen(options.port(), options.host());
  }

  /** The port the server listens on (the chosen one when asked for 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(retryTimer);
    return Future.join(server == null ? Future.succeededFuture() : server.close(), store.close());
  }

  private void route(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET) {
      problem(request, 405, "Method Not Allowed", "only GET is served");
      return;
    }
    switch (request.path()) {
      case "/" -> count(request);
      case "/health" -> health(request);
      default -> problem(request, 404, "Not Found", "no such path: " + request.path());
    }
  }

  private void count(HttpServerRequest request) {
    if (!ready) {
      problem(request, 503, "Service Unavailable", "the database is not reachable yet");
      return;
    }
    store.increment()
        .onSuccess(n -> json(request, 200, new JsonObject().put("node", options.name()).put("counter", n)))
        .onFailure(failed -> databaseFailed(request, failed));
  }

  private void health(HttpServerRequest request) {
    if (!ready) {
      problem(request, 503, "Service Unavailable", "the database is not reachable yet");
      return;
    }
    store.ping()
        .onSuccess(ok -> json(request, 200, new JsonObject().put("node", options.name()).put("status", "UP")))
        .onFailure(failed -> databaseFailed(request, failed));
  }

  private void databaseFailed(HttpServerRequest request, Throwable failed) {
    LOG.warn("database {}:{}/{} failed: {}", options.dbHost(), options.dbPort(), options.dbName(), failed.toString());
    // The database may have been recreated without the table: set it up again before serving.
    ready = false;
    setUpDatabase();
    problem(request, 503, "Service Unavailable", "the database did not answer: " + failed.getMessage());
  }

  /** Creates the table, retrying with backoff until it succeeds or the verticle stops; one chain at a time. */
  private void setUpDatabase() {
    if (settingUp || stopped) {
      return;
    }
    settingUp = true;
    attemptSetUp();
  }

  private void attemptSetUp() {
    store.createTable().onComplete(done -> {
      if (done.succeeded()) {
        settingUp = false;
        ready = true;
        backoff.reset();
        LOG.info("database {}:{}/{} ready", options.dbHost(), options.dbPort(), options.dbName());
      } else if (stopped) {
        settingUp = false;
      } else {
        // Two nodes creating the table at once may collide (duplicate key in pg_type): the next try sees it.
        long delay = Math.max(100, backoff.nextDelayMs());
        LOG.warn("database {}:{}/{} not ready ({}); retrying in {} ms", options.dbHost(), options.dbPort(),
            options.dbName(), done.cause().toString(), delay);
        retryTimer = vertx.setTimer(delay, tick -> attemptSetUp());
      }
    });
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void problem(HttpServerRequest request, int status, String title, String detail) {
    JsonObject body = new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
        .put("detail", detail);
    request.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
        .end(body.encode());
  }
}
