package io.rainhub.api;

import io.rainhub.store.Store;
import io.rainhub.store.StoreHealth;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;

/**
 * Routes that need no token, for probes, scrapers and browsers: health, metrics, the OpenAPI
 * document and the admin UI's static files.
 */
final class OperationsRoutes implements ApiArea {

  private static final String WEBJARS = "/ui/webjars/";
  private static final long WEBJARS_MAX_AGE_SECONDS = 365L * 24 * 3600;

  private final Vertx vertx;
  private final Store store;
  private final Buffer openApi;
  private final String metricsRegistry;

  OperationsRoutes(Vertx vertx, Store store, Buffer openApi, String metricsRegistry) {
    this.vertx = vertx;
    this.store = store;
    this.openApi = openApi;
    this.metricsRegistry = metricsRegistry;
  }

  @Override
  public void mount(Router router) {
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness()));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness()));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metricsRegistry));
    router.get("/openapi.yaml").handler(this::openApiDocument);
    router.get("/").handler(this::toUi);
    router.get("/ui/*").handler(uiFiles());
    router.get("/ui/*").handler(this::uiDeepLink);
  }

  /**
   * The UI's files, and under /ui/webjars/ its libraries from the WebJars on the classpath (both
   * relative to /ui/). WebJar paths carry their version, so a browser may keep them for a year;
   * the UI's own files keep their names across releases, so they are revalidated every time.
   */
  private static Handler<RoutingContext> uiFiles() {
    StaticHandler webJars = StaticHandler.create("META-INF/resources").setMaxAgeSeconds(WEBJARS_MAX_AGE_SECONDS);
    StaticHandler ui = StaticHandler.create("webroot").setMaxAgeSeconds(0);
    return ctx -> {
      if (ctx.normalizedPath().startsWith(WEBJARS)) {
        webJars.handle(ctx);
        return;
      }
      // StaticHandler says "immutable"; these files are not: always revalidate (Last-Modified, 304).
      ctx.addHeadersEndHandler(v -> ctx.response().headers().set("Cache-Control", "no-cache"));
      ui.handle(ctx);
    };
  }

  /**
   * A view's URL (/ui/map, /ui/topologies/42) names no file: it gets index.html, which opens the
   * view, so reloads and deep links work. A missing file (a name with a dot) stays a 404.
   */
  private void uiDeepLink(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String last = path.substring(path.lastIndexOf('/') + 1);
    if (last.contains(".") || path.startsWith(WEBJARS)) {
      ctx.next();
      return;
    }
    // Read, not sent as a file: a hub built without the web-ui jar answers 404 problems, never a 500.
    vertx.fileSystem().readFile("webroot/index.html").onComplete(read -> {
      if (read.failed()) {
        ctx.fail(404);
        return;
      }
      ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-cache")
          .end(read.result());
    });
  }

  private void openApiDocument(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/yaml").end(openApi);
  }

  private void toUi(RoutingContext ctx) {
    ctx.redirect("/ui/");
  }

  /** Live while this verticle's event loop answers: the check runs on it. */
  private HealthChecks liveness() {
    return HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()));
  }

  /** Ready while the store answers and takes writes: a store that answers reads only is down. */
  private HealthChecks readiness() {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("store", 2_000, promise -> store.ping()
        .onSuccess(ok -> {
          String writeFailure = StoreHealth.writeFailure(vertx);
          promise.complete(writeFailure == null ? Status.OK() : Status.KO(new JsonObject()
              .put("error", "writes to the store fail; the hub retries every second: " + writeFailure)));
        })
        .onFailure(failure -> promise.complete(Status.KO(new JsonObject().put("error", failure.getMessage())))));
    if (vertx.isClustered()) {
      checks.register("cluster", 2_000, ClusterHealthCheck.createProcedure(vertx));
    }
    return checks;
  }
}
