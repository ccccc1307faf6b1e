package io.rainhub.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * The frame-throughput baseline: a bare Vert.x WebSocket server at {@code /agents/ws} that parses
 * every text frame as JSON, answers {@code hello} with a {@code welcome} (so the agent simulator
 * runs against it unchanged) and counts heartbeats. No auth, no validation, no event bus, no
 * hypervisor: what is left is the cost of WebSocket and JSON on Vert.x.
 */
public final class BareWebSocketServer extends VerticleBase {

  private final int port;
  private final LongAdder heartbeats;

  BareWebSocketServer(int port, LongAdder heartbeats) {
    this.port = port;
    this.heartbeats = heartbeats;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
            .setMaxWebSocketMessageSize(1024 * 1024))
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
        .listen();
  }
}
