package io.rainhub.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The frame-throughput baseline: a bare Vert.x WebSocket server at {@code /agents/ws} that parses
 * every text frame as JSON, answers {@code hello} with a {@code welcome} (so the agent simulator
 * runs against it unchanged) and counts heartbeats. No auth, no validation, no event bus, no
 * hypervisor: what is left is the cost of WebSocket and JSON on Vert.x. Runs as a verticle in a
 * benchmark's JVM, or in a process of its own ({@link #main}).
 */
public final class BareWebSocketServer extends VerticleBase {

  private final int port;
  private final LongAdder heartbeats;
  private volatile int actualPort = -1;

  /** @param port 0 for a free one ({@link #actualPort()} once started) */
  BareWebSocketServer(int port, LongAdder heartbeats) {
    this.port = port;
    this.heartbeats = heartbeats;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
            .setMaxWebSocketMessageSize(1024 * 1024))
        // GET /count: heartbeats so far, for a benchmark running this server in a process of its own
        .requestHandler(request -> request.response().putHeader("Content-Type", "text/plain")
            .end(Long.toString(heartbeats.sum())))
        .webSocketHandler(socket -> socket.textMessageHandler(text -> {
          JsonObject frame = new JsonObject(text);
          String type = frame.getString("type");
          if ("heartbeat".equals(type)) {
            heartbeats.increment();
          } else if ("hello".equals(type)) {
            socket.writeTextMessage(new JsonObject().put("type", "welcome").put("id", UUID.randomUUID().toString())
                .put("seq", 0).put("ts", System.currentTimeMillis())
                .put("body", new JsonObject().put("nodeId", UUID.randomUUID().toString()).put("kind", "mothership")
                    .put("state", "AVAILABLE").put("heartbeatIntervalMs", 5000).put("ttlMs", 15000).put("protocol", 1))
                .encode());
          }
        }))
        .listen()
        .onSuccess(server -> actualPort = server.actualPort());
  }

  /**
   * The server in a process of its own, like the hub: {@code java -cp rainhub-benchmarks.jar
   * io.rainhub.bench.BareWebSocketServer [PORT]} (default 0: a free one). Prints
   * {@code listening on 127.0.0.1:PORT}; {@code GET /count} answers the heartbeats counted so far.
   */
  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    BareWebSocketServer server = new BareWebSocketServer(args.length > 0 ? Integer.parseInt(args[0]) : 0,
        new LongAdder());
    vertx.deployVerticle(server).await(30, TimeUnit.SECONDS);
    System.out.println("BareWebSocketServer listening on 127.0.0.1:" + server.actualPort());
    System.out.flush();
  }

  /** The port it listens on, once started; -1 before. */
  int actualPort() {
    return actualPort;
  }
}
