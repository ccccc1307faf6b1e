package io.rainhub.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The HTTP fallback of docs/agent-protocol.md for agents behind proxies that break WebSockets:
 * {@code hello} is a POST answered with {@code welcome}, heartbeats and the agent's other frames
 * are POSTs, commands arrive by long poll. The same {@link AgentSession} handles the frames.
 * The hub forgetting the node (404) means a new {@code hello}; other failures are retried with
 * {@link Backoff}. A hub that cannot be reached (the hello or the poll fails to connect, or breaks
 * off) is left for the next one of {@link HubEndpoints}, with a new {@code hello} there. A clean
 * stop says {@code goodbye}.
 */
public final class HttpTransport implements Transport {

  /** What the agent asks the hub to hold a poll for (the protocol's default; at most 30000). */
  private static final long POLL_WAIT_MS = 25_000;
  private static final long REPOLL_PAUSE_MS = 1_000;
  private static final int REMEMBERED_COMMANDS = 1_000;
  private static final long REQUEST_TIMEOUT_MS = 15_000;
  /** How long a clean stop waits for the hub to take the goodbye. */
  private static final long GOODBYE_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final HttpClient client;
  private final HubEndpoints.Cursor hubs;
  private final String token;
  private final AgentSession session;
  private final AgentCounters counters;
  private final Logger log;
  private final Backoff backoff = Backoff.forReconnects();
  /** Bumped at each hello, so the poll loop and replies of a session given up stop by themselves. */
  private long epoch;
  /** Frames other than heartbeats go one after the other, so the hub sees an ack before its result. */
  private Future<Void> lastFrame = Future.succeededFuture();
  /** The newest heartbeat POST: the goodbye waits for it, or the hub could apply it after and bring the node back. */
  private Future<Void> lastHeartbeat = Future.succeededFuture();
  /** Command ids the polls brought already, to tell a poll with news from one that only repeats. */
  private final Set<String> delivered = Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED_COMMANDS;
    }
  });
  private HttpClientRequest polling;
  private long timer = -1;
  private boolean connected;
  private boolean stopped;

  public HttpTransport(Vertx vertx, HttpClient client, HubEndpoint hub, String token, AgentSession session,
      AgentCounters counters, Logger log) {
    this(vertx, client, HubEndpoints.of(hub).cursor(0), token, session, counters, log);
  }

  /** @param hubs the hubs to use, from the one to try first; the client must suit them (same TLS) */
  public HttpTransport(Vertx vertx, HttpClient client, HubEndpoints.Cursor hubs, String token, AgentSession session,
      AgentCounters counters, Logger log) {
    this.vertx = vertx;
    this.client = client;
    this.hubs = hubs;
    this.token = token;
    this.session = session;
    this.counters = counters;
    this.log = log;
  }

  @Override
  public void start() {
    hello();
  }

  @Override
  public Future<Void> stop(String goodbyeReason) {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (!connected) {
      endSession();
      return Future.succeededFuture();
    }
    // No more polls nor heartbeats (send drops them once stopped); the goodbye goes after the last
    // heartbeat was answered, so that heartbeat cannot bring the node back after it left.
    stopPolling();
    return lastHeartbeat.transform(beaten -> {
      session.goodbye(goodbyeReason);
      return lastFrame;
    }).timeout(GOODBYE_TIMEOUT_MS, TimeUnit.MILLISECONDS).transform(said -> {
      if (said.failed()) {
        log.warn("The hub did not take the goodbye: {}", said.cause().toString());
      }
      endSession();
      return Future.succeededFuture();
    });
  }

  private void hello() {
    timer = -1;
    if (stopped) {
      return;
    }
    long current = ++epoch;
    // The hello frame goes out through send(), whose POST reports its own failures; here only what follows.
    session.open(frame -> send(frame, current)).onComplete(welcomed -> {
      if (current != epoch) {
        return;
      }
      if (welcomed.succeeded()) {
        backoff.reset();
        hubs.welcomed();
        connected = true;
        counters.connectionOpened();
        log.info("Connected to {} (HTTP fallback)", hubs.current().httpUri());
        poll(current);
      } else {
        helloAtNextHub();
      }
    });
  }

  /** The hub lost the node, or the token stopped working: start again with hello. */
  private void restart(long of, String reason) {
    if (of != epoch || stopped) {
      return;
    }
    counters.error(reason);
    log.warn("Saying hello again: {}", reason);
    endSession();
    retry(this::hello, "hello");
  }

  /** The hub in use cannot be reached: the session goes on at the next hub, with a new hello. */
  private void failover(long of, String reason) {
    if (of != epoch || stopped) {
      return;
    }
    counters.error(reason);
    endSession();
    helloAtNextHub();
  }

  /** The hello failed or the hub was left: the next hello goes to the next hub. */
  private void helloAtNextHub() {
    if (stopped) {
      return;
    }
    long delay = hubs.failed(backoff, session.hubReconnectMaxMs());
    counters.reconnecting();
    log.info("Saying hello to {} in {} ms", hubs.current().httpUri(), delay);
    timer = vertx.setTimer(delay, fired -> hello());
  }

  private void endSession() {
    epoch++;
    stopPolling();
    if (connected) {
      connected = false;
      counters.connectionClosed();
    }
    session.closed();
  }

  private void stopPolling() {
    if (polling != null) {
      // Held by the hub for up to POLL_WAIT_MS otherwise, with a pooled connection the next session needs.
      polling.reset();
      polling = null;
    }
  }

  private void poll(long current) {
    request(HttpMethod.GET, "/commands" + nodeQuery() + "&waitMs=" + POLL_WAIT_MS, POLL_WAIT_MS + REQUEST_TIMEOUT_MS)
        .compose(request -> {
          if (current != epoch) {
            request.reset();
            return Future.failedFuture("the session ended");
          }
          polling = request;
          return send(request, null);
        })
        .onComplete(reply -> {
          if (current != epoch || stopped) {
            return;
          }
          polling = null;
          if (reply.succeeded() && isSessionLost(reply.result().status())) {
            restart(current, "the hub answered the command poll with HTTP " + reply.result().status());
            return;
          }
          JsonArray commands = reply.succeeded() && reply.result().status() == 200
              ? reply.result().json().map(json -> json.getJsonArray("commands")).orElse(null) : null;
          if (commands == null) {
            failed(reply.cause(), reply.result(), "command poll");
            if (reply.failed()) {
              failover(current, "the command poll to " + hubs.current().httpUri() + " failed: " + reply.cause());
            } else {
              retry(() -> poll(current), "command poll");
            }
            return;
          }
          backoff.reset();
          boolean anyNew = false;
          for (Object command : commands) {
            if (command instanceof JsonObject frame) {
              anyNew |= delivered.add(String.valueOf(frame.getValue("body") instanceof JsonObject body
                  ? body.getValue("commandId") : null));
              session.receive(frame);
            }
          }
          // A running command is in every answer until its result reaches the hub, so the hub answers
          // at once: without a new command, pause instead of asking again straight away. Resent results
          // go first, so the next poll does not bring their commands back.
          long pause = commands.isEmpty() || anyNew ? 0 : REPOLL_PAUSE_MS;
          lastFrame.onComplete(sent -> {
            if (current != epoch) {
              return;
            }
            if (pause == 0) {
              poll(current);
            } else {
              timer = vertx.setTimer(pause, fired -> poll(current));
            }
          });
        });
  }

  private void send(JsonObject frame, long current) {
    switch (frame.getString("type")) {
      case Frames.HELLO -> exchange(HttpMethod.POST, "/hello", frame, REQUEST_TIMEOUT_MS).onComplete(reply -> {
        JsonObject welcome = reply.succeeded() && reply.result().status() == 200
            ? reply.result().json().orElse(null) : null;
        if (welcome != null) {
          session.receive(welcome);
        } else {
          failed(reply.cause(), reply.result(), "hello");
        }
        if (!Frames.WELCOME.equals(welcome == null ? null : welcome.getValue("type")) && current == epoch) {
          session.closed();
        }
      });
      case Frames.HEARTBEAT -> {
        if (!stopped) {
          lastHeartbeat = post("/heartbeat", frame, current);
        }
      }
      default -> lastFrame = lastFrame.transform(previous -> post("/frames", frame, current));
    }
  }

  private Future<Void> post(String path, JsonObject frame, long current) {
    if (current != epoch) {
      return Future.succeededFuture();
    }
    return exchange(HttpMethod.POST, path + nodeQuery(), frame, REQUEST_TIMEOUT_MS).transform(reply -> {
      if (reply.succeeded() && isSessionLost(reply.result().status())) {
        restart(current, "the hub answered a " + frame.getString("type") + " with HTTP " + reply.result().status());
      } else if (reply.failed() || reply.result().status() != 204) {
        failed(reply.cause(), reply.result(), frame.getString("type"));
      }
      return Future.succeededFuture();
    });
  }

  /** 404: the hub does not know the node (any more); 401: the token no longer works. */
  private static boolean isSessionLost(int status) {
    return status == 404 || status == 401;
  }

  private void retry(Runnable action, String what) {
    if (stopped) {
      return;
    }
    long delay = Math.max(1, backoff.nextDelayMs(session.hubReconnectMaxMs()));
    counters.reconnecting();
    log.info("Retrying the {} in {} ms", what, delay);
    timer = vertx.setTimer(delay, fired -> action.run());
  }

  private void failed(Throwable cause, Reply reply, String what) {
    String description = cause != null ? cause.toString()
        : "HTTP " + reply.status() + (reply.body().length() == 0 ? "" : ": " + reply.body());
    counters.error(what + ": " + description);
    if (reply != null && reply.status() == 401) {
      log.error("The hub refused the agent token (HTTP 401 at {}): is it expired or revoked?",
          hubs.current().httpUri());
    } else {
      log.warn("The {} to {} failed: {}", what, hubs.current().httpUri(), description);
    }
  }

  private String nodeQuery() {
    return "?node=" + URLEncoder.encode(session.nodeId(), StandardCharsets.UTF_8);
  }

  private Future<Reply> exchange(HttpMethod method, String path, JsonObject frame, long timeoutMs) {
    return request(method, path, timeoutMs).compose(request -> send(request, frame));
  }

  private Future<HttpClientRequest> request(HttpMethod method, String path, long timeoutMs) {
    HubEndpoint hub = hubs.current();
    return client.request(new RequestOptions()
        .setMethod(method)
        .setHost(hub.host())
        .setPort(hub.port())
        .setSsl(hub.ssl())
        .setURI(hub.path("/agents/http" + path))
        .setIdleTimeout(timeoutMs)
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token));
  }

  private static Future<Reply> send(HttpClientRequest request, JsonObject frame) {
    Future<HttpClientResponse> response = frame == null ? request.send()
        : request.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").send(frame.toBuffer());
    return response.compose(answer -> answer.body().map(body -> new Reply(answer.statusCode(), body)));
  }

  private record Reply(int status, Buffer body) {
    /** Empty when the hub's answer is not a JSON object. */
    Optional<JsonObject> json() {
      try {
        return Optional.of(body.toJsonObject());
      } catch (RuntimeException notJson) {
        return Optional.empty();
      }
    }
  }
}
