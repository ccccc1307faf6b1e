package io.rainhub.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare protocol peer for gateway tests: it speaks raw frames over a real WebSocket and lets the
 * test decide every frame, so the test can also misbehave. Received frames queue for the test.
 */
public final class TestAgent implements AutoCloseable {

  private final WebSocketClient client;
  private final WebSocket socket;
  private final LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
  private volatile Short closeCode;

  private TestAgent(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> received.add(new JsonObject(text)));
    socket.closeHandler(closed -> closeCode = socket.closeStatusCode() == null ? -1 : socket.closeStatusCode());
  }

  /** Connects to /agents/ws with {@code token} (none when null). Fails with the upgrade's refusal. */
  public static Future<TestAgent> connect(Vertx vertx, int port, String token) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/agents/ws");
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    return client.connect(options).map(socket -> new TestAgent(client, socket))
        .onFailure(failure -> client.close());
  }

  public static JsonObject frame(String type, JsonObject body) {
    return new JsonObject().put("type", type).put("id", UUID.randomUUID().toString()).put("seq", 1)
        .put("ts", System.currentTimeMillis()).put("body", body);
  }

  public static JsonObject motherhipHello(String name, double cpu, long ramMb) {
    return new JsonObject().put("protocol", 1).put("kind", "mothership").put("name", name)
        .put("address", name + ".test:9000").put("agentVersion", "test-1").put("lastCommandSeq", 0)
        .put("capacity", new JsonObject().put("cpu", cpu).put("ramMb", ramMb).put("bandwidthMbps", 100));
  }

  public void send(JsonObject frame) {
    socket.writeTextMessage(frame.encode());
  }

  public void sendText(String text) {
    socket.writeTextMessage(text);
  }

  /** Sends hello and returns the welcome's body. */
  public JsonObject hello(JsonObject body) {
    send(frame("hello", body));
    return expect("welcome").getJsonObject("body");
  }

  public void heartbeat(JsonArray instances) {
    send(frame("heartbeat", new JsonObject().put("metrics", new JsonObject().put("cpu", 0.25))
        .put("instances", instances)));
  }

  /** Sends a result for a command frame. */
  public void result(JsonObject command, String status) {
    send(frame("result", new JsonObject().put("commandId", command.getJsonObject("body").getString("commandId"))
        .put("seq", command.getLong("seq")).put("status", status).put("exitCode", status.equals("succeeded") ? 0 : 1)
        .put("output", new JsonArray().add("done"))));
  }

  /** The next frame of {@code type}, skipping others; fails after 10 s. */
  public JsonObject expect(String type) {
    long deadline = System.currentTimeMillis() + 10_000;
    try {
      while (System.currentTimeMillis() < deadline) {
        JsonObject frame = received.poll(100, TimeUnit.MILLISECONDS);
        if (frame != null && type.equals(frame.getString("type"))) {
          return frame;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("no " + type + " frame within 10 s");
  }

  /** The next frame within {@code millis}, or null. */
  public JsonObject next(long millis) {
    try {
      return received.poll(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The close code once the hub closed the socket, else null. */
  public Short closeCode() {
    return closeCode;
  }

  @Override
  public void close() {
    socket.close();
    client.close();
  }
}
