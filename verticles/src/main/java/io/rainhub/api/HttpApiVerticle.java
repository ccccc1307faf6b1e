package io.rainhub.api;

import io.rainhub.agents.AgentApiRoutes;
import io.rainhub.agents.AgentFrames;
import io.rainhub.agents.AgentGatewayRoutes;
import io.rainhub.metrics.HubMetrics;
import io.rainhub.model.Recipes;
import io.rainhub.model.TopologyValidator;
import io.rainhub.store.DatabaseConfig;
import io.rainhub.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.List;

/**
 * The hub's HTTP face. Its router is composed of the API's areas, and each area declares its routes
 * in a class of its own, so a new area adds one line here. Handlers validate input and hand domain
 * work to verticles over the bus.
 */
public class HttpApiVerticle extends VerticleBase {

  public static final String ISSUER = "rainhub";
  public static final String AUDIENCE = "rainhub-api";
  public static final long DEFAULT_BODY_LIMIT = 1024 * 1024;
  /** Longest request line (414 beyond) and largest header block (431 beyond), in bytes. */
  public static final int MAX_REQUEST_LINE = 4096;
  public static final int MAX_HEADERS = 8192;
  /**
   * WebSocket limits, for agents and event streams alike: a frame or an assembled message over
   * 1 MiB closes its socket with 1009 (Message Too Big), checked by the codec as bytes arrive.
   */
  public static final int MAX_WEBSOCKET_BYTES = AgentFrames.MAX_FRAME_BYTES;
  /** Local map where the verticle publishes the port it bound (for port 0). */
  public static final String LOCAL_MAP = "rainhub.http";
  public static final String PORT_KEY = "port";
  static final String OPENAPI_RESOURCE = "openapi/rainhub.yaml";

  private Store store;
  /** Topology documents are checked against the recipes of this hub's --recipes. */
  private TopologyValidator validator;
  private Buffer topologySchema = Buffer.buffer("{}");

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    store = Store.open(vertx, DatabaseConfig.fromJson(conf.getJsonObject("database")));
    JWTAuth jwt = jwtAuth(conf.getString("jwtSecret"));
    Tokens tokens = new Tokens(jwt, conf.getInteger("tokenTtlSeconds", 3600));
    long bodyLimit = conf.getLong("bodyLimit", DEFAULT_BODY_LIMIT);
    String registry = conf.getString(HubMetrics.REGISTRY_KEY);
    // Refusals below the router render as the router's do (same metrics registry).
    ProblemResponder refusals = new ProblemResponder(HubMetrics.of(registry), bodyLimit);
    Path recipesDir = Path.of(conf.getString("recipesDir", "config/recipes"));
    return vertx.executeBlocking(() -> Recipes.load(recipesDir))
        .compose(recipes -> {
          validator = new TopologyValidator(recipes);
          return vertx.fileSystem().readFile(TopologyValidator.SCHEMA_RESOURCE);
        })
        .compose(schema -> {
          topologySchema = schema;
          return vertx.fileSystem().readFile(OPENAPI_RESOURCE);
        })
        .compose(openApi -> {
          Router router = router(jwt, tokens, bodyLimit, openApi, registry);
          return vertx.createHttpServer(serverOptions(conf))
              .connectionHandler(connection -> CodecRefusals.install(connection, refusals, MAX_WEBSOCKET_BYTES))
              .invalidRequestHandler(refusals::invalidRequest)
              .requestHandler(router)
              .listen();
        })
        .onSuccess(listening -> {
          vertx.sharedData().getLocalMap(LOCAL_MAP).put(PORT_KEY, listening.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    return store.close();
  }

  /**
   * The areas in the order the router tries them: request ids and bodies first, the people's token
   * check before the people's areas, problem+json last. Only routes whose path matches a request
   * take part in routing it, so the order matters between areas whose paths overlap.
   */
  Router router(JWTAuth jwt, Tokens tokens, long bodyLimit, Buffer openApi, String metricsRegistry) {
    HubMetrics metrics = HubMetrics.of(metricsRegistry);
    CommonHandlers common = new CommonHandlers(jwt, metrics, bodyLimit);
    List<ApiArea> areas = List.of(
        common::requestIdsAndBodies,
        new OperationsRoutes(vertx, store, openApi, metricsRegistry),
        new AgentGatewayRoutes(vertx, jwt, metrics, agentCertificatesRequired()),
        common::peopleTokens,
        new IdentityRoutes(vertx.eventBus(), tokens, metrics),
        new CloudRoutes(),
        new AgentApiRoutes(vertx, store),
        new TopologyRoutes(validator == null ? new TopologyValidator(Recipes.of(java.util.List.of())) : validator, topologySchema),
        new EventRoutes(vertx, store),
        common::problems);
    Router router = Router.router(vertx);
    areas.forEach(area -> area.mount(router));
    return router;
  }

  private boolean agentCertificatesRequired() {
    JsonObject tls = config().getJsonObject("tls");
    return tls != null && tls.getString("agentClientCa") != null;
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
        .setMaxInitialLineLength(MAX_REQUEST_LINE)
        .setMaxHeaderSize(MAX_HEADERS)
        // A bigger frame or message closes its socket (1009), nothing else.
        .setMaxWebSocketMessageSize(MAX_WEBSOCKET_BYTES)
        .setMaxWebSocketFrameSize(MAX_WEBSOCKET_BYTES)
        // Chosen when a client offers it (the admin UI, beside its "bearer.<token>"); others get none.
        .setWebSocketSubProtocols(List.of(SubprotocolBearer.PROTOCOL));
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
