package io.rainhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The OpenAPI document and the router agree: every method and path the router serves is an
 * operation in {@code openapi/rainhub.yaml}, and every documented operation is served.
 */
class OpenApiCoverageTest {

  private static final Set<String> OPERATION_KEYS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final Pattern PATH_PARAM = Pattern.compile(":([A-Za-z0-9_]+)");

  private Vertx vertx;
  private io.vertx.core.VertxOptions options;

  @BeforeEach
  void createVertx() {
    options = io.rainhub.metrics.HubMetrics.enable(new io.vertx.core.VertxOptions());
    vertx = Vertx.builder().with(options).withMetrics(io.rainhub.metrics.HubMetrics.factory()).build();
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void everyServedRouteIsDocumented() throws Exception {
    Set<String> served = servedOperations();
    Set<String> documented = documentedOperations();
    assertThat(served).as("the router serves some operations").isNotEmpty();

    Set<String> undocumented = new TreeSet<>(served);
    undocumented.removeAll(documented);
    assertThat(undocumented)
        .as("served by the router but missing from %s (documented: %s)", HttpApiVerticle.OPENAPI_RESOURCE, documented)
        .isEmpty();
  }

  @Test
  void everyDocumentedOperationIsServed() throws Exception {
    Set<String> served = servedOperations();
    Set<String> documented = documentedOperations();
    assertThat(documented).as("the document describes some operations").isNotEmpty();

    Set<String> phantom = new TreeSet<>(documented);
    phantom.removeAll(served);
    assertThat(phantom)
        .as("documented in %s but not served by the router (served: %s)", HttpApiVerticle.OPENAPI_RESOURCE, served)
        .isEmpty();
  }

  /** "METHOD /path" for each route with a path and methods, the path in OpenAPI form. */
  private Set<String> servedOperations() throws Exception {
    Router router = buildRouter();
    Set<String> operations = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> methods = route.methods();
      // Catch-alls (request ids, body handler, /v1.0/* auth, failure handler) have no methods.
      if (route.getPath() == null || methods == null || methods.isEmpty()) {
        continue;
      }
      // Vert.x compiles ":param" paths to regexes internally; only hand-written regexes are unsupported.
      assertThat(route.isRegexPath() && !route.getPath().contains(":"))
          .as("regex route %s cannot be checked against the document", route.getPath()).isFalse();
      String path = openApiPath(route);
      for (HttpMethod method : methods) {
        operations.add(method.name().toUpperCase() + " " + path);
      }
    }
    return operations;
  }

  /** ":id" becomes "{id}"; a prefix route such as "/ui/*" (path "/ui/") becomes "/ui/{path}". */
  private static String openApiPath(Route route) {
    String path = route.getPath();
    if (path.endsWith("*")) {
      path = path.substring(0, path.length() - 1);
    }
    Matcher params = PATH_PARAM.matcher(path);
    path = params.replaceAll("{$1}");
    if (!route.isExactPath()) {
      path = (path.endsWith("/") ? path : path + "/") + "{path}";
    }
    return path;
  }

  private Router buildRouter() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(Base64.getEncoder().encodeToString(secret))));
    Context context = vertx.getOrCreateContext();
    HttpApiVerticle verticle = new HttpApiVerticle();
    verticle.init(vertx, context);
    // Built on the verticle's context, as start() does.
    CompletableFuture<Router> built = new CompletableFuture<>();
    context.runOnContext(ignored -> {
      try {
        built.complete(verticle.router(jwt, new Tokens(jwt, 60), 1024 * 1024, Buffer.buffer(),
            io.rainhub.metrics.HubMetrics.registryName(options)));
      } catch (Throwable t) {
        built.completeExceptionally(t);
      }
    });
    return built.get(30, TimeUnit.SECONDS);
  }

  @SuppressWarnings("unchecked")
  private Set<String> documentedOperations() throws Exception {
    Map<String, Object> document;
    try (InputStream yaml = getClass().getClassLoader().getResourceAsStream(HttpApiVerticle.OPENAPI_RESOURCE)) {
      assertThat(yaml).as("%s on the classpath", HttpApiVerticle.OPENAPI_RESOURCE).isNotNull();
      document = new Yaml().load(yaml);
    }
    Map<String, Object> paths = (Map<String, Object>) document.get("paths");
    assertThat(paths).as("the document's paths").isNotNull();
    Set<String> operations = new TreeSet<>();
    paths.forEach((path, item) -> {
      for (String key : ((Map<String, Object>) item).keySet()) {
        if (OPERATION_KEYS.contains(key)) {
          operations.add(key.toUpperCase() + " " + path);
        }
      }
    });
    return operations;
  }

  @Test
  void pathConversionHandlesParametersAndPrefixes() throws Exception {
    Router router = Router.router(vertx);
    Route exact = router.get("/v1.0/tenants/:tenantId/users/:id");
    Route prefix = router.get("/ui/*");
    assertThat(openApiPath(exact)).isEqualTo("/v1.0/tenants/{tenantId}/users/{id}");
    assertThat(openApiPath(prefix)).isEqualTo("/ui/{path}");
    assertThat(List.of(exact.isExactPath(), prefix.isExactPath())).containsExactly(true, false);
  }
}
