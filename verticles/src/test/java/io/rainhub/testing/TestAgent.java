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
 * {@link #keepAlive} heartbeats in the background, as a live agent does, until {@link #stopHeartbeats}.
 */
public final class TestAgent implements AutoCloseable {

  /** Background heartbeats: well inside the 2-interval SUSPECT threshold of the 200 ms test hubs. */
  public static final long KEEPALIVE_MILLIS = 100;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final WebSocket socket;
  private final LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
  private volatile Short closeCode;
  private volatile long heartbeatTimer = -1;
  private volatile long lastHeartbeatAt;
  private volatile JsonArray reportedInstances = new JsonArray();
  private volatile String nodeId;

  private TestAgent(Vertx vertx, WebSocketClient client, WebSocket socket) {
    this.vertx = vertx;
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(text -> received.add(new JsonObject(text)));
    socket.closeHandler(closed -> {
      stopHeartbeats();
      closeCode = socket.closeStatusCode() == null ? -1 : socket.closeStatusCode();
    });
  }

  /** Connects to /agents/ws with {@code token} (none when null). Fails with the upgrade's refusal. */
  public static Future<TestAgent> connect(Vertx vertx, int port, String token) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/agents/ws");
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    return client.connect(options).map(socket -> new TestAgent(vertx, client, socket))
        .onFailure(failure -> client.close());
  }

  public static JsonObject frame(String type, JsonObject body) {
    return new JsonObject().put("type", type).put("id", UUID.randomUUID().toString()).put("seq", 1)
        .put("ts", System.currentTimeMillis()).put("body", body);
  }

  public static JsonObject mothershipHello(String name, double cpu, long ramMb) {
    return new JsonObject().put("protocol", 1).put("kind", "mothership").put("name", name)
        .put("address", name + ".test:9000").put("agentVersion", "test-1").put("lastCommandSeq", 0)
        .put("capacity", new JsonObject().put("cpu", cpu).put("ramMb", ramMb).put("bandwidthMbps", 100));
  }

  public static JsonObject genericHello(String name) {
    return new JsonObject().put("protocol", 1).put("kind", "generic").put("name", name)
        .put("address", name + ".test:22").put("agentVersion", "test-1").put("lastCommandSeq", 0);
  }

  public static JsonObject rainServerHello(String name, JsonArray urls) {
    return new JsonObject().put("protocol", 1).put("kind", "rainserver").put("name", name)
        .put("address", name + ".test:8443").put("agentVersion", "test-1").put("lastCommandSeq", 0)
        .put("urls", urls);
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
    JsonObject welcome = expect("welcome").getJsonObject("body");
    nodeId = welcome.getString("nodeId");
    return welcome;
  }

  /** The node id the welcome gave, once there was one. */
  public String nodeId() {
    return nodeId;
  }

  public void heartbeat(JsonArray instances) {
    lastHeartbeatAt = System.currentTimeMillis();
    send(frame("heartbeat", new JsonObject().put("metrics", new JsonObject().put("cpu", 0.25))
        .put("instances", instances)));
  }

  /** Heartbeats every {@value #KEEPALIVE_MILLIS} ms from now on, reporting {@link #reportInstances}. */
  public TestAgent keepAlive() {
    heartbeat(reportedInstances);
    heartbeatTimer = vertx.setPeriodic(KEEPALIVE_MILLIS, t -> heartbeat(reportedInstances));
    return this;
  }

  /** What later background heartbeats report in {@code instances}. */
  public void reportInstances(JsonArray instances) {
    reportedInstances = instances.copy();
  }

  /** Goes silent; the socket stays open. */
  public void stopHeartbeats() {
    long timer = heartbeatTimer;
    heartbeatTimer = -1;
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
  }

  /** When the last heartbeat was sent (epoch millis). */
  public long lastHeartbeatAt() {
    return lastHeartbeatAt;
  }

  /** Sends a result for a command frame. */
  public void result(JsonObject command, String status) {
    result(command, status, new JsonArray().add("done"));
  }

  public void result(JsonObject command, String status, JsonArray output) {
    send(frame("result", new JsonObject().put("commandId", command.getJsonObject("body").getString("commandId"))
        .put("seq", command.getLong("seq")).put("status", status).put("exitCode", status.equals("succeeded") ? 0 : 1)
        .put("output", output)));
  }

  public void ack(JsonObject command) {
    send(frame("ack", new JsonObject().put("commandId", command.getJsonObject("body").getString("commandId"))
        .put("seq", command.getLong("seq"))));
  }

  /** The next frame of {@code type}, skipping others; fails after 10 s. */
  public JsonObject expect(String type) {
    return expect(type, null);
  }

  /** The next command frame with {@code action}, skipping other frames; fails after 10 s. */
  public JsonObject expectCommand(String action) {
    return expect("command", action);
  }

  /** The next error frame, skipping others; fails after 10 s. */
  public JsonObject expectError() {
    return expect("error").getJsonObject("body");
  }

  private JsonObject expect(String type, String action) {
    long deadline = System.currentTimeMillis() + 10_000;
    try {
      while (System.currentTimeMillis() < deadline) {
        JsonObject frame = received.poll(100, TimeUnit.MILLISECONDS);
        if (frame != null && type.equals(frame.getString("type"))
            && (action == null || action.equals(frame.getJsonObject("body").getString("action")))) {
          return frame;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("no " + type + (action == null ? "" : " " + action) + " frame within 10 s");
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

  /** Waits up to {@code millis} for the socket to close; its close code (-1 without one), or null if still open. */
  public Short awaitClose(long millis) {
    long deadline = System.currentTimeMillis() + millis;
    while (closeCode == null && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return closeCode;
  }

  @Override
  public void close() {
    stopHeartbeats();
    socket.close();
    client.close();
  }
}
