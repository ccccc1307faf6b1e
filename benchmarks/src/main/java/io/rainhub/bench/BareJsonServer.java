package io.rainhub.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The read-throughput baseline: a bare Vert.x HTTP server that answers {@code GET /webcomponent/*}
 * with one fixed JSON document shaped like the hub's instance document (about 400 bytes) and
 * {@code Content-Type: application/json}. No router, no auth, no event bus: what is left is the
 * cost of HTTP on Vert.x, which is what the hub's figure is compared with.
 *
 * <p>Runs inside {@link CloudApiBenchmark} by default; {@code main} runs it alone
 * ({@code java -cp rainhub-benchmarks.jar io.rainhub.bench.BareJsonServer --port 8090}).
 */
public final class BareJsonServer extends VerticleBase {

  static final String PREFIX = "/webcomponent/";
  static final Buffer BODY = Buffer.buffer(document().encode());
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence BODY_LENGTH = HttpHeaders.createOptimized(String.valueOf(BODY.length()));

  private final int port;

  BareJsonServer(int port) {
    this.port = port;
  }

  /** A document like {@code GET /webcomponent/{instanceId}} returns, padded to about 400 bytes. */
  static JsonObject document() {
    JsonObject reserved = new JsonObject().put("cpu", 0.05).put("ramMb", 32).put("bandwidthMbps", 1.0);
    return new JsonObject()
        .put("instanceId", "6f1c2b9e-3d4a-4f7b-9a8e-1c2d3e4f5a6b")
        .put("componentId", "c17")
        .put("version", "1.0")
        .put("state", "PLACED")
        .put("generation", 0)
        .put("placements", new JsonArray()
            .add(new JsonObject().put("mothershipId", "0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d")
                .put("role", "primary").put("reserved", reserved))
            .add(new JsonObject().put("mothershipId", "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e")
                .put("role", "replica").put("reserved", reserved.copy())))
        .put("createdAt", "2025-11-21T23:59:59.123456Z");
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(request -> {
          if (request.method() == HttpMethod.GET && request.path().startsWith(PREFIX)
              && request.path().length() > PREFIX.length()) {
            request.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .putHeader(HttpHeaders.CONTENT_LENGTH, BODY_LENGTH)
                .end(BODY);
          } else {
            request.response().setStatusCode(404).end();
          }
        })
        .listen();
  }

  /**
   * Deploys {@code instances} copies (one event loop each, like the hub's --http-instances) on
   * {@code port} (0 picks a free one) and answers the port they share.
   */
  static Future<Integer> deploy(Vertx vertx, int port, int instances) {
    if (port == 0) {
      port = freePort();
    }
    int chosen = port;
    return vertx.deployVerticle(() -> new BareJsonServer(chosen), new DeploymentOptions().setInstances(instances))
        .map(id -> chosen);
  }

  static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("no free port on 127.0.0.1", e);
    }
  }

  public static void main(String[] args) throws Exception {
    int port = 8090;
    int instances = 1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--instances" -> instances = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: BareJsonServer [--port 8090] [--instances 1]");
          System.exit(2);
        }
      }
    }
    Vertx vertx = Vertx.vertx();
    int bound = deploy(vertx, port, instances).await(30, java.util.concurrent.TimeUnit.SECONDS);
    System.out.println("bare JSON server on http://127.0.0.1:" + bound + PREFIX + "{id} (" + BODY.length()
        + "-byte body, " + instances + " instance(s)); Ctrl-C stops it");
  }
}
