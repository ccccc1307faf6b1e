package io.rainhub.api;

import io.rainhub.agents.AgentApiHandlers;
import io.rainhub.agents.AgentFrames;
import io.rainhub.agents.AgentGateway;
import io.rainhub.metrics.HubMetrics;
import io.rainhub.store.DatabaseConfig;
import io.rainhub.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;
import java.util.List;

/**
 * The hub's HTTP face: login, the versioned API, health, metrics, the OpenAPI document and the
 * admin UI's static files. Handlers validate input and hand domain work to verticles over the bus.
 */
public class HttpApiVerticle extends VerticleBase {

  public static final String ISSUER = "rainhub";
  public static final String AUDIENCE = "rainhub-api";
  public static final long DEFAULT_BODY_LIMIT = 1024 * 1024;
  /** Local map where the verticle publishes the port it bound (for port 0). */
  public static final String LOCAL_MAP = "rainhub.http";
  public static final String PORT_KEY = "port";
  static final String OPENAPI_RESOURCE = "openapi/rainhub.yaml";
  private static final String JSON = "application/json";

  private Store store;

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    store = Store.open(vertx, DatabaseConfig.fromJson(conf.getJsonObject("database")));
    JWTAuth jwt = jwtAuth(conf.getString("jwtSecret"));
    Tokens tokens = new Tokens(jwt, conf.getInteger("tokenTtlSeconds", 3600));
    long bodyLimit = conf.getLong("bodyLimit", DEFAULT_BODY_LIMIT);
    String registry = conf.getString(HubMetrics.REGISTRY_KEY);
    return vertx.fileSystem().readFile(OPENAPI_RESOURCE)
        .compose(openApi -> {
          Router router = router(jwt, tokens, bodyLimit, openApi, registry);
          return vertx.createHttpServer(serverOptions(conf)).requestHandler(router).listen();
        })
        .onSuccess(listening -> {
          vertx.sharedData().getLocalMap(LOCAL_MAP).put(PORT_KEY, listening.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    return store.close();
  }

  Router router(JWTAuth jwt, Tokens tokens, long bodyLimit, Buffer openApi, String metricsRegistry) {
    Router router = Router.router(vertx);
    HubMetrics metrics = HubMetrics.of(metricsRegistry);
    ProblemResponder problems = new ProblemResponder(metrics, bodyLimit);
    IdentityHandlers identity = new IdentityHandlers(vertx.eventBus(), tokens, metrics);
    var adminOnly = Roles.require(Roles.ADMIN);

    router.route().handler(new RequestIds());
    // Only methods that carry a body pay for reading one. (A method-restricted route would turn
    // every unknown GET path into a 405, so the choice is made in the handler.)
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(bodyLimit);
    router.route().handler(ctx -> {
      HttpMethod method = ctx.request().method();
      if (method == HttpMethod.POST || method == HttpMethod.PUT) {
        bodies.handle(ctx);
      } else {
        ctx.next();
      }
    });

    // Open to everyone: login, operations, the UI's static files.
    router.post("/auth/login").consumes(JSON).handler(identity::login);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness()));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness()));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metricsRegistry));
    router.get("/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/yaml").end(openApi));
    router.get("/").handler(ctx -> ctx.redirect("/ui/"));
    router.get("/ui/*").handler(StaticHandler.create("webroot"));

    // Agents: their own token (role agent), checked against revocation at every connect.
    JsonObject tls = config().getJsonObject("tls");
    boolean agentCertificates = tls != null && tls.getString("agentClientCa") != null;
    AgentGateway agents = new AgentGateway(vertx, jwt, metrics, agentCertificates);
    router.route("/agents/*").handler(agents::authenticate);
    router.get("/agents/ws").handler(agents::webSocket);
    router.post("/agents/http/hello").consumes(JSON).handler(agents::httpHello);
    router.post("/agents/http/heartbeat").consumes(JSON).handler(agents::httpHeartbeat);
    router.post("/agents/http/frames").consumes(JSON).handler(agents::httpFrames);
    router.get("/agents/http/commands").handler(agents::httpCommands);

    // Everything else needs a token: the versioned API and the RAIN cloud API.
    // Agent tokens (role agent only) open the agent gateway, not this API.
    var people = Roles.requireAny(Roles.ADMIN, Roles.USER);
    for (String prefix : List.of("/v1.0/*", "/rainservers*", "/mothership*", "/webcomponent*")) {
      router.route(prefix).handler(new RainUserHeader());
      router.route(prefix).handler(JWTAuthHandler.create(jwt)).handler(people);
    }
    router.get("/v1.0/whoami").handler(identity::whoami);
    router.post("/v1.0/tenants").consumes(JSON).handler(adminOnly).handler(identity::createTenant);
    router.get("/v1.0/tenants").handler(adminOnly).handler(identity::listTenants);
    router.post("/v1.0/users").consumes(JSON).handler(adminOnly).handler(identity::createUser);
    router.get("/v1.0/users").handler(adminOnly).handler(identity::listUsers);
    router.post("/v1.0/agent-tokens").consumes(JSON).handler(adminOnly).handler(identity::createAgentToken);
    router.get("/v1.0/agent-tokens").handler(adminOnly).handler(identity::listAgentTokens);
    router.delete("/v1.0/agent-tokens/:id").handler(adminOnly).handler(identity::revokeAgentToken);

    // The RAIN cloud API, at the paths of the RAIN design. "/all" before "/:id" so it is not an id;
    // the busiest reads (instances) first, since the router tries routes in order.
    CloudApiHandlers cloud = new CloudApiHandlers(vertx.eventBus());
    router.get("/webcomponent/all").handler(cloud::listComponents);
    router.get("/webcomponent/:instanceId").handler(cloud::instance);
    router.post("/webcomponent/").consumes(JSON).handler(cloud::deploy);
    router.post("/webcomponent/:instanceId").handler(cloud::cluster);
    router.put("/webcomponent/:instanceId").handler(cloud::refreshInstance);
    router.delete("/webcomponent/:instanceId").handler(cloud::stopInstance);
    router.get("/webcomponent/:id/:version").handler(cloud::component);
    router.post("/webcomponent/:id/:version").handler(cloud::instantiate);
    router.put("/webcomponent/:id/:version").handler(cloud::refreshComponent);
    router.delete("/webcomponent/:id/:version").handler(cloud::undeploy);
    router.get("/webcomponent/:id/:version/descriptor").handler(cloud::descriptor);
    router.get("/webcomponent/:id/:version/statistics").handler(cloud::statistics);
    router.get("/rainservers/all").handler(cloud::listServers);
    router.get("/rainservers/:id/urls").handler(cloud::serverUrls);
    router.post("/rainservers/").consumes(JSON).handler(cloud::registerServer);
    router.put("/rainservers/:id").handler(cloud::resetServer);
    router.delete("/rainservers/:id").handler(cloud::unregisterServer);
    router.get("/mothership/all").handler(cloud::listMotherships);
    router.get("/mothership/:id").handler(cloud::mothership);
    router.get("/mothership/:id/webcomponents").handler(cloud::mothershipComponents);
    router.post("/mothership/").consumes(JSON).handler(cloud::registerMothership);
    router.put("/v1.0/rainservers/:id/heartbeat").handler(cloud::serverHeartbeat);
    router.put("/v1.0/motherships/:id/heartbeat").handler(cloud::mothershipHeartbeat);
    router.put("/v1.0/motherships/:id/drain").consumes(JSON).handler(cloud::drainMothership);
    router.get("/v1.0/route").handler(cloud::route);
    router.get("/v1.0/map").handler(cloud::map);

    AgentApiHandlers agentApi = new AgentApiHandlers(vertx, store);
    router.get("/v1.0/agents").handler(agentApi::listAgents);
    router.post("/v1.0/nodes/:nodeId/commands").consumes(JSON).handler(agentApi::sendCommand);
    router.get("/v1.0/nodes/:nodeId/commands").handler(agentApi::nodeCommands);
    router.get("/v1.0/commands/:commandId").handler(agentApi::command);

    EventStreams events = new EventStreams(vertx, store);
    router.get("/v1.0/events").handler(events::list);
    router.get("/v1.0/events/stream").handler(events::serverSentEvents);
    router.get("/v1.0/events/ws").handler(events::webSocket);

    router.route().failureHandler(problems);
    for (int status : List.of(400, 401, 403, 404, 405, 413, 415, 500, 503)) {
      router.errorHandler(status, problems);
    }
    return router;
  }

  /** Live while this verticle's event loop answers: the check runs on it. */
  private HealthChecks liveness() {
    return HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()));
  }

  private HealthChecks readiness() {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("store", 2_000, promise -> store.ping()
        .onSuccess(ok -> promise.complete(Status.OK()))
        .onFailure(failure -> promise.complete(Status.KO(new JsonObject().put("error", failure.getMessage())))));
    if (vertx.isClustered()) {
      checks.register("cluster", 2_000, ClusterHealthCheck.createProcedure(vertx));
    }
    return checks;
  }

  private JWTAuth jwtAuth(String secret) {
    return new CachingJwtAuth(JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER).setAudience(List.of(AUDIENCE)))), 10_000);
  }

  private static HttpServerOptions serverOptions(JsonObject conf) {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(conf.getString("host", "0.0.0.0"))
        .setPort(conf.getInteger("port", 8080))
        .setCompressionSupported(true)
        // Agent frames are at most 1 MiB; a bigger message closes its socket (1009), nothing else.
        .setMaxWebSocketMessageSize(AgentFrames.MAX_FRAME_BYTES)
        .setMaxWebSocketFrameSize(AgentFrames.MAX_FRAME_BYTES);
    JsonObject tls = conf.getJsonObject("tls");
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(tls.getString("cert")).setKeyPath(tls.getString("key")));
      String agentClientCa = tls.getString("agentClientCa");
      if (agentClientCa != null) {
        // Asked of every client, required (by the gateway) only of agents: browsers need none.
        options.setClientAuth(ClientAuth.REQUEST).setTrustOptions(new PemTrustOptions().addCertPath(agentClientCa));
      }
    }
    return options;
  }
}
