package io.rainhub.agent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * One WebSocket to the hub's {@code /agents/ws}, authenticated with the agent token at the
 * upgrade, reopened whenever it closes or cannot open: at the next hub of {@link HubEndpoints}
 * (round-robin), with {@link Backoff} between full rounds. The backoff resets once the hub has
 * welcomed the agent, not merely when the socket opens: a hub that accepts and then drops every
 * connection is still backed off from.
 */
public final class WebSocketTransport implements Transport {

  /** A hub that opens the socket but never answers hello is treated as a failed connection. */
  private static final long WELCOME_TIMEOUT_MS = 15_000;
  /**
   * How a hub that vanished without closing the socket (host gone, network cut) is noticed: a ping
   * every {@code pingEvery}, and a socket silent for {@code silenceLimit} (no pong, no frame) is
   * closed and reopened.
   */
  public record KeepAlive(Duration pingEvery, Duration silenceLimit) {
    public static final KeepAlive DEFAULT = new KeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(30));
  }
  /** Frames written per turn of the event loop while flooding, so replies still get read. */
  private static final int FLOOD_BURST = 64;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final HubEndpoints.Cursor hubs;
  private final String token;
  private final AgentSession session;
  private final AgentCounters counters;
  private final Logger log;
  private final KeepAlive keepAlive;
  private final Backoff backoff = Backoff.forReconnects();
  private Context context;
  private ClientWebSocket socket;
  private long reconnectTimer = -1;
  private long keepAliveTimer = -1;
  private long lastHeardNanos;
  private boolean stopped;

  public WebSocketTransport(Vertx vertx, WebSocketClient client, HubEndpoint hub, String token,
      AgentSession session, AgentCounters counters, Logger log, KeepAlive keepAlive) {
    this(vertx, client, HubEndpoints.of(hub).cursor(0), token, session, counters, log, keepAlive);
  }

  /** @param hubs the hubs to use, from the one to try first; the client must suit them (same TLS) */
  public WebSocketTransport(Vertx vertx, WebSocketClient client, HubEndpoints.Cursor hubs, String token,
      AgentSession session, AgentCounters counters, Logger log, KeepAlive keepAlive) {
    this.vertx = vertx;
    this.keepAlive = keepAlive;
    this.client = client;
    this.hubs = hubs;
    this.token = token;
    this.session = session;
    this.counters = counters;
    this.log = log;
  }

  @Override
  public void start() {
    context = vertx.getOrCreateContext();
    connect();
  }

  @Override
  public Future<Void> stop(String goodbyeReason) {
    stopped = true;
    if (reconnectTimer >= 0) {
      vertx.cancelTimer(reconnectTimer);
    }
    stopKeepAlive();
    ClientWebSocket open = socket;
    if (open == null) {
      return Future.succeededFuture();
    }
    // Written before the close frame, so the hub reads it first.
    session.goodbye(goodbyeReason);
    // Counted as closed now: the close handler may run after the close completes, and must not reconnect.
    socket = null;
    counters.connectionClosed();
    session.closed();
    return open.close();
  }

  /**
   * Writes heartbeat frames as fast as the socket takes them until {@code deadlineNanos}, waiting
   * for the write queue to drain whenever it is full. For measuring a hub's frame throughput.
   *
   * @return how many frames were written; 0 when the socket is not open
   */
  public Future<Long> flood(Supplier<JsonObject> frames, long deadlineNanos) {
    Promise<Long> done = Promise.promise();
    context.runOnContext(start -> {
      ClientWebSocket open = socket;
      if (open == null) {
        done.complete(0L);
        return;
      }
      long[] sent = {0};
      // A socket that closes while its queue is full never drains: the deadline ends the flood anyway.
      long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
      vertx.setTimer(remainingMs, timer -> done.tryComplete(sent[0]));
      floodBurst(open, frames, deadlineNanos, sent, done);
    });
    return done.future();
  }

  private void floodBurst(WebSocket open, Supplier<JsonObject> frames, long deadlineNanos, long[] sent,
      Promise<Long> done) {
    for (int burst = 0; burst < FLOOD_BURST; burst++) {
      if (System.nanoTime() >= deadlineNanos || open.isClosed()) {
        done.tryComplete(sent[0]);
        return;
      }
      if (open.writeQueueFull()) {
        open.drainHandler(drained -> {
          open.drainHandler(null);
          floodBurst(open, frames, deadlineNanos, sent, done);
        });
        return;
      }
      open.writeTextMessage(frames.get().encode());
      sent[0]++;
      counters.framesSent(1);
    }
    context.runOnContext(next -> floodBurst(open, frames, deadlineNanos, sent, done));
  }

  private void connect() {
    reconnectTimer = -1;
    if (stopped) {
      return;
    }
    ClientWebSocket candidate = client.webSocket();
    candidate.textMessageHandler(text -> {
      lastHeardNanos = System.nanoTime();
      session.receive(text);
    });
    candidate.pongHandler(pong -> lastHeardNanos = System.nanoTime());
    candidate.exceptionHandler(error -> log.debug("WebSocket error: {}", error.toString()));
    candidate.closeHandler(closed -> closed(candidate));
    HubEndpoint hub = hubs.current();
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(hub.host())
        .setPort(hub.port())
        .setSsl(hub.ssl())
        .setURI(hub.path("/agents/ws"))
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    candidate.connect(options).onComplete(connected -> {
      if (connected.failed()) {
        connectFailed(hub, connected.cause());
      } else if (stopped) {
        candidate.close();
      } else {
        opened(hub, candidate);
      }
    });
  }

  private void opened(HubEndpoint hub, ClientWebSocket open) {
    socket = open;
    counters.connectionOpened();
    keepAlive(open);
    log.info("Connected to {}", hub.webSocketUri());
    session.open(frame -> open.writeTextMessage(frame.encode()))
        .timeout(WELCOME_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onSuccess(welcomed -> {
          backoff.reset();
          hubs.welcomed();
        })
        .onFailure(error -> {
          if (!stopped && !open.isClosed()) {
            counters.error("no welcome from the hub: " + error.getMessage());
            log.warn("No welcome from the hub within {} ms: closing the connection", WELCOME_TIMEOUT_MS);
            open.close();
          }
        });
  }

  private void closed(ClientWebSocket closed) {
    if (socket != closed) {
      return;
    }
    socket = null;
    stopKeepAlive();
    counters.connectionClosed();
    session.closed();
    HubEndpoint hub = hubs.current();
    long delay = scheduleReconnect();
    String how = closed.closeStatusCode() == null ? "without a close frame"
        : "with status " + closed.closeStatusCode() + (closed.closeReason() == null ? "" : " " + closed.closeReason());
    log.warn("Connection to {} closed {}; reconnecting{} in {} ms", hub.webSocketUri(), how, nextHub(), delay);
  }

  private void keepAlive(ClientWebSocket open) {
    lastHeardNanos = System.nanoTime();
    keepAliveTimer = vertx.setPeriodic(keepAlive.pingEvery().toMillis(), tick -> {
      long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeardNanos);
      if (silentMs >= keepAlive.silenceLimit().toMillis()) {
        log.warn("Nothing from the hub for {} ms (not even a pong): closing the connection to reopen it", silentMs);
        open.close();
      } else {
        open.writePing(io.vertx.core.buffer.Buffer.buffer("rain"));
      }
    });
  }

  private void stopKeepAlive() {
    if (keepAliveTimer >= 0) {
      vertx.cancelTimer(keepAliveTimer);
      keepAliveTimer = -1;
    }
  }

  private void connectFailed(HubEndpoint hub, Throwable cause) {
    if (stopped) {
      return;
    }
    long delay = scheduleReconnect();
    if (cause instanceof UpgradeRejectedException rejected && rejected.getStatus() == 401) {
      counters.error("401: the hub refused the agent token");
      log.error("The hub refused the agent token (HTTP 401 at {}): is it expired or revoked? "
          + "Retrying{} in {} ms in case it is issued again", hub.webSocketUri(), nextHub(), delay);
    } else if (cause instanceof UpgradeRejectedException rejected) {
      counters.error("HTTP " + rejected.getStatus() + " at the upgrade");
      log.error("The hub refused the WebSocket upgrade at {} with HTTP {}; retrying{} in {} ms",
          hub.webSocketUri(), rejected.getStatus(), nextHub(), delay);
    } else {
      counters.error(String.valueOf(cause));
      log.warn("Cannot connect to {} ({}); retrying{} in {} ms", hub.webSocketUri(), cause.toString(), nextHub(),
          delay);
    }
  }

  private long scheduleReconnect() {
    long delay = hubs.failed(backoff, session.hubReconnectMaxMs());
    counters.reconnecting();
    reconnectTimer = vertx.setTimer(delay, timer -> connect());
    return delay;
  }

  /** For logs, after a failure moved the cursor: which hub comes next, when there are several. */
  private String nextHub() {
    return hubs.size() == 1 ? "" : " to " + hubs.current().webSocketUri();
  }
}
