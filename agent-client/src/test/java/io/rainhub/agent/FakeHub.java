package io.rainhub.agent;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The hub's side of docs/agent-protocol.md, enough to test agents against over real sockets:
 * {@code /agents/ws} and the HTTP fallback. It welcomes every hello as node {@code node-<name>},
 * keeps an outbox of commands per node that it sends after each welcome and on each poll until
 * their result arrives, and records what the agents send.
 */
public final class FakeHub {

  /** Frame as received, with which connection (WebSocket) or "http" and when. */
  public record Received(String nodeId, String via, JsonObject frame, long nanos) {
    public String type() {
      return frame.getString("type");
    }

    public JsonObject body() {
      return frame.getJsonObject("body");
    }
  }

  /** Heartbeats kept in full; beyond, only counted (a flood sends hundreds of thousands). */
  private static final int KEPT_HEARTBEATS = 20_000;

  private final Vertx vertx;
  private final HttpServer server;
  volatile String acceptedToken = "T";
  volatile long heartbeatIntervalMs = 200;
  /** A hub that lost results: commands stay in the outbox after their result. */
  volatile boolean keepResulted;

  final List<Received> received = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final AtomicInteger upgradeAttempts = new AtomicInteger();
  public final AtomicLong heartbeats = new AtomicLong();
  private final Map<String, ServerWebSocket> sockets = new ConcurrentHashMap<>();
  private final Map<String, List<JsonObject>> outbox = new ConcurrentHashMap<>();
  private final Map<String, List<Promise<Void>>> pollers = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  /** Nodes welcomed over HTTP; the others get 404, as from a hub that lost them. */
  private final Set<String> httpNodes = ConcurrentHashMap.newKeySet();

  private FakeHub(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer();
  }

  public static FakeHub start(Vertx vertx) {
    FakeHub hub = new FakeHub(vertx);
    hub.server.requestHandler(hub::request).listen(0, "localhost").await();
    return hub;
  }

  public String wsUri() {
    return "ws://localhost:" + server.actualPort();
  }

  public String httpUri() {
    return "http://localhost:" + server.actualPort();
  }

  static JsonObject command(String commandId, long seq, String action, JsonObject args) {
    return Frames.frame(Frames.COMMAND, seq, new JsonObject().put("commandId", commandId).put("action", action)
        .put("args", args).put("expiresAt", System.currentTimeMillis() + 60_000));
  }

  /** Puts the command in the node's outbox and sends it now if the node is connected. */
  void push(String nodeId, JsonObject command) {
    synchronized (this) {
      outbox.computeIfAbsent(nodeId, id -> new ArrayList<>()).add(command);
      List<Promise<Void>> waiting = pollers.remove(nodeId);
      if (waiting != null) {
        waiting.forEach(Promise::tryComplete);
      }
    }
    ServerWebSocket socket = sockets.get(nodeId);
    if (socket != null) {
      socket.writeTextMessage(command.encode());
    }
  }

  /** Sends raw text to a connected node, e.g. a malformed frame. */
  void sendRaw(String nodeId, String text) {
    sockets.get(nodeId).writeTextMessage(text);
  }

  /** The HTTP fallback forgets the node: its next request gets 404. */
  void forget(String nodeId) {
    httpNodes.remove(nodeId);
  }

  /** The hub goes away: the server stops listening and every connection, socket or poll, is closed. */
  public void close() {
    closeSockets();
    server.close().await();
  }

  void closeSockets() {
    sockets.values().forEach(ServerWebSocket::close);
  }

  /** Stops reading the agents' sockets: no frame is taken and no ping answered, as if the hub hung. */
  void freezeSockets() {
    sockets.values().forEach(ServerWebSocket::pause);
  }

  int connectionCount() {
    return connections.get();
  }

  List<Received> frames(String type) {
    return received.stream().filter(frame -> type.equals(frame.type())).toList();
  }

  List<Received> frames(String nodeId, String type) {
    return received.stream().filter(frame -> type.equals(frame.type()) && nodeId.equals(frame.nodeId())).toList();
  }

  /** Waits until at least {@code count} frames of the type have arrived, and returns them all. */
  public List<Received> await(String type, int count) {
    return await(type, count, Duration.ofSeconds(10));
  }

  List<Received> await(String type, int count, Duration timeout) {
    awaitThat(() -> frames(type).size() >= count, timeout, count + " " + type + " frames");
    return frames(type);
  }

  static void awaitThat(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new AssertionError(interrupted);
      }
    }
  }

  private void request(HttpServerRequest request) {
    authorizations.add(request.path() + " " + request.getHeader("Authorization"));
    if (request.path().equals("/agents/ws")) {
      upgradeAttempts.incrementAndGet();
    }
    if (!("Bearer " + acceptedToken).equals(request.getHeader("Authorization"))) {
      request.response().setStatusCode(401).end();
      return;
    }
    String nodeId = request.getParam("node");
    if (request.path().startsWith("/agents/http/") && !request.path().endsWith("/hello")
        && !httpNodes.contains(nodeId)) {
      request.response().setStatusCode(404).end();
      return;
    }
    switch (request.path()) {
      case "/agents/ws" -> request.toWebSocket().onSuccess(this::socket);
      case "/agents/http/hello" -> request.body().onSuccess(body -> {
        JsonObject hello = body.toJsonObject();
        String id = record(null, "http", hello);
        httpNodes.add(id);
        request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
            .end(welcome(id).encode());
      });
      case "/agents/http/heartbeat", "/agents/http/frames" -> request.body().onSuccess(body -> {
        record(nodeId, "http", body.toJsonObject());
        request.response().setStatusCode(204).end();
      });
      case "/agents/http/commands" -> poll(request, nodeId, Long.parseLong(request.getParam("waitMs", "25000")));
      default -> request.response().setStatusCode(404).end();
    }
  }

  private void socket(ServerWebSocket socket) {
    String connection = "ws-" + connections.incrementAndGet();
    String[] nodeId = {null};
    socket.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      String id = record(nodeId[0], connection, frame);
      if (Frames.HELLO.equals(frame.getString("type"))) {
        nodeId[0] = id;
        sockets.put(id, socket);
        socket.writeTextMessage(welcome(id).encode());
        unresulted(id).forEach(command -> socket.writeTextMessage(command.encode()));
      }
    });
    socket.closeHandler(closed -> {
      if (nodeId[0] != null) {
        sockets.remove(nodeId[0], socket);
      }
    });
  }

  private void poll(HttpServerRequest request, String nodeId, long waitMs) {
    Promise<Void> news = Promise.promise();
    synchronized (this) {
      if (unresulted(nodeId).isEmpty()) {
        pollers.computeIfAbsent(nodeId, id -> new ArrayList<>()).add(news);
      } else {
        news.complete();
      }
    }
    long timer = vertx.setTimer(waitMs, fired -> news.tryComplete());
    news.future().onSuccess(ready -> {
      vertx.cancelTimer(timer);
      request.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("commands", new JsonArray(unresulted(nodeId))).encode());
    });
  }

  /** Records the frame; answers the node id it belongs to (for a hello, the one it is welcomed as). */
  private String record(String nodeId, String via, JsonObject frame) {
    String type = frame.getString("type");
    String id = Frames.HELLO.equals(type) ? "node-" + frame.getJsonObject("body").getString("name") : nodeId;
    if (!Frames.HEARTBEAT.equals(type) || heartbeats.incrementAndGet() <= KEPT_HEARTBEATS) {
      received.add(new Received(id, via, frame, System.nanoTime()));
    }
    if (Frames.RESULT.equals(type) && !keepResulted) {
      String commandId = frame.getJsonObject("body").getString("commandId");
      synchronized (this) {
        outbox.getOrDefault(id, new ArrayList<>())
            .removeIf(command -> commandId.equals(command.getJsonObject("body").getString("commandId")));
      }
    }
    return id;
  }

  private synchronized List<JsonObject> unresulted(String nodeId) {
    return List.copyOf(outbox.getOrDefault(nodeId, List.of()));
  }

  private JsonObject welcome(String nodeId) {
    return Frames.frame(Frames.WELCOME, 0, new JsonObject().put("nodeId", nodeId)
        .put("heartbeatIntervalMs", heartbeatIntervalMs).put("ttlMs", 3 * heartbeatIntervalMs)
        .put("protocol", 1).put("state", "ONLINE"));
  }
}
