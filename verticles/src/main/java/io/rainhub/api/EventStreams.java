package io.rainhub.api;

import io.rainhub.bus.Addresses;
import io.rainhub.bus.Caller;
import io.rainhub.store.EventLog;
import io.rainhub.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * The event log for clients: a page ({@code GET /v1.0/events}), Server-Sent Events
 * ({@code /v1.0/events/stream}, for curl) and a WebSocket ({@code /v1.0/events/ws}). A client
 * resuming from the last sequence it saw misses nothing still retained; one resuming from before
 * what was pruned gets 410 and must re-list, as with Kubernetes' watch.
 */
final class EventStreams {

  private static final int MAX_PAGE = 1000;
  private static final long KEEPALIVE_MILLIS = 15_000;

  private final Vertx vertx;
  private final Store store;

  EventStreams(Vertx vertx, Store store) {
    this.vertx = vertx;
    this.store = store;
  }

  void list(RoutingContext ctx) {
    List<Problem.InvalidParam> faults = new ArrayList<>();
    long since = queryLong(ctx, "since", 0, faults);
    int faultsBefore = faults.size();
    long limit = queryLong(ctx, "limit", 100, faults);
    if (faults.size() == faultsBefore && (limit < 1 || limit > MAX_PAGE)) {
      faults.add(new Problem.InvalidParam("limit", "must be between 1 and " + MAX_PAGE));
    }
    Predicate<JsonObject> wanted = visible(ctx).and(types(ctx));
    rejectFaults(faults);
    ensureRetained(since)
        .compose(bounds -> EventLog.since(store.pool(), since, (int) limit).map(events -> {
          List<JsonObject> items = events.stream().map(EventLog.Event::toJson).filter(wanted).toList();
          long last = events.isEmpty() ? since : events.get(events.size() - 1).seq();
          // The log's newest, never the reader's since: a reader ahead of the log learns where it
          // ends. The page may hold events committed after the bounds were read, hence the max.
          long newest = events.isEmpty() ? bounds.newest() : Math.max(bounds.newest(), last);
          return new JsonObject().put("items", new JsonArray(items)).put("lastSeq", last)
              .put("newestSeq", newest);
        }))
        .onSuccess(page -> Replies.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }

  /** Server-Sent Events; {@code Last-Event-ID} (sent by reconnecting clients) wins over {@code since}. */
  void serverSentEvents(RoutingContext ctx) {
    List<Problem.InvalidParam> faults = new ArrayList<>();
    long since = ctx.request().getHeader("Last-Event-ID") != null
        ? parseLong(ctx.request().getHeader("Last-Event-ID"), "Last-Event-ID", faults)
        : queryLong(ctx, "since", 0, faults);
    Predicate<JsonObject> wanted = visible(ctx).and(types(ctx));
    rejectFaults(faults);
    ensureRetained(since).onFailure(ctx::fail).onSuccess(bounds -> {
      long from = resumePoint(since, bounds);
      HttpServerResponse response = ctx.response().setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      response.write(": resuming after " + from
          + (from < since ? " (since=" + since + " is beyond the newest event)" : "") + "\n\n");
      long keepalive = vertx.setPeriodic(KEEPALIVE_MILLIS, t -> response.write(": keepalive\n\n"));
      Subscription subscription = follow(from, wanted, event -> {
        if (response.writeQueueFull()) {
          // A client that cannot keep up is let go; it resumes from the last id it got.
          response.end();
          return false;
        }
        response.write("id: " + event.getLong("seq") + "\nevent: " + event.getString("type") + "\ndata: "
            + event.encode() + "\n\n");
        return true;
      });
      response.closeHandler(closed -> {
        vertx.cancelTimer(keepalive);
        subscription.cancel();
      });
      response.endHandler(ended -> {
        vertx.cancelTimer(keepalive);
        subscription.cancel();
      });
    });
  }

  void webSocket(RoutingContext ctx) {
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.UPGRADE))) {
      throw new ProblemException(new Problem(400, "WebSocket expected",
          "This route streams events over a WebSocket: send an upgrade request (or use /v1.0/events/stream).",
          List.of(new Problem.InvalidParam("Upgrade", "must be websocket"))));
    }
    List<Problem.InvalidParam> faults = new ArrayList<>();
    long since = queryLong(ctx, "since", 0, faults);
    Predicate<JsonObject> wanted = visible(ctx).and(types(ctx));
    rejectFaults(faults);
    // The upgrade must find the request unread: hold it while the store is asked.
    ctx.request().pause();
    ensureRetained(since)
        .compose(bounds -> ctx.request().toWebSocket().onSuccess(ws -> {
          Subscription subscription = follow(resumePoint(since, bounds), wanted, event -> send(ws, event));
          ws.closeHandler(closed -> subscription.cancel());
          // Clients send nothing here; the handlers make Vert.x assemble what they send anyway, so
          // the message limit holds (1009) instead of the frames being dropped one by one.
          ws.textMessageHandler(ignored -> { });
          ws.binaryMessageHandler(ignored -> { });
          ws.exceptionHandler(failure -> WebSocketLimits.closeIfTooBig(ws, failure));
        }))
        .onFailure(ctx::fail);
  }

  /**
   * Where a stream starts. A since beyond the newest assigned sequence cannot be a position in this
   * log (a client of another database, say); following from it would hold back every new event
   * until the sequence caught up, so the stream follows from the newest instead.
   */
  private static long resumePoint(long since, EventLog.Bounds bounds) {
    return Math.min(since, bounds.newest());
  }

  private static boolean send(ServerWebSocket ws, JsonObject event) {
    if (ws.isClosed()) {
      return false;
    }
    if (ws.writeQueueFull()) {
      ws.close((short) 1013, "too slow: reconnect with since=<last seq received>");
      return false;
    }
    ws.writeTextMessage(event.encode());
    return true;
  }

  /** Where a stream stands: events after {@code lastSent} are still to be delivered. */
  private final class Subscription {
    private final Predicate<JsonObject> wanted;
    private final Predicate<JsonObject> sink;
    private final List<JsonObject> buffered = new ArrayList<>();
    private final MessageConsumer<JsonArray> consumer;
    private long lastSent;
    private boolean live;
    private boolean cancelled;

    Subscription(long since, Predicate<JsonObject> wanted, Predicate<JsonObject> sink) {
      this.lastSent = since;
      this.wanted = wanted;
      this.sink = sink;
      // Listen before reading the backlog: whatever commits meanwhile is buffered, not lost.
      this.consumer = vertx.eventBus().localConsumer(Addresses.EVENTS_APPENDED, message -> {
        for (Object event : message.body()) {
          if (live) {
            deliver((JsonObject) event);
          } else {
            buffered.add((JsonObject) event);
          }
        }
      });
    }

    void backfill() {
      EventLog.since(store.pool(), lastSent, MAX_PAGE).onComplete(result -> {
        if (cancelled) {
          return;
        }
        if (result.failed()) {
          cancel();
          return;
        }
        result.result().forEach(event -> deliver(event.toJson()));
        if (result.result().size() == MAX_PAGE) {
          backfill();
          return;
        }
        live = true;
        buffered.forEach(this::deliver);
        buffered.clear();
      });
    }

    private void deliver(JsonObject event) {
      long seq = event.getLong("seq");
      if (cancelled || seq <= lastSent) {
        return;
      }
      if (wanted.test(event) && !sink.test(event)) {
        cancel();
        return;
      }
      lastSent = seq;
    }

    void cancel() {
      if (!cancelled) {
        cancelled = true;
        consumer.unregister();
      }
    }
  }

  private Subscription follow(long since, Predicate<JsonObject> wanted, Predicate<JsonObject> sink) {
    Subscription subscription = new Subscription(since, wanted, sink);
    subscription.consumer.completion().onComplete(registered -> subscription.backfill());
    return subscription;
  }

  private Future<EventLog.Bounds> ensureRetained(long since) {
    return EventLog.bounds(store.pool()).compose(bounds -> bounds.gone(since)
        ? Future.failedFuture(new ProblemException(new Problem(410, "Gone",
            "Events after " + since + " are no longer retained (the oldest kept is "
                + (bounds.oldest() == null ? "none" : bounds.oldest()) + "). List the resources again, then"
                + " follow events from since=" + bounds.newest() + ".",
            List.of(new Problem.InvalidParam("since", "is older than the retained events")),
            new JsonObject().put("oldestSeq", bounds.oldest()).put("newestSeq", bounds.newest()))))
        : Future.succeededFuture(bounds));
  }

  /**
   * Admins follow every event. A user follows their tenant's only: its components and instances,
   * its creation and its users. Infrastructure events (no tenant) are not theirs: they read the
   * infrastructure itself, and commands and node events name other tenants' instances.
   */
  private static Predicate<JsonObject> visible(RoutingContext ctx) {
    Caller caller = Callers.of(ctx);
    if (caller.admin()) {
      return event -> true;
    }
    return event -> caller.tenantId().equals(event.getString("tenantId"));
  }

  /** {@code types=a,b} keeps those types; an entry ending in '*' is a prefix ({@code instance.*}). */
  private static Predicate<JsonObject> types(RoutingContext ctx) {
    String types = ctx.queryParams().get("types");
    if (types == null || types.isBlank()) {
      return event -> true;
    }
    List<String> wanted = Arrays.stream(types.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    return event -> {
      String type = event.getString("type");
      for (String w : wanted) {
        if (w.endsWith("*") ? type.startsWith(w.substring(0, w.length() - 1)) : type.equals(w)) {
          return true;
        }
      }
      return false;
    };
  }

  private static long queryLong(RoutingContext ctx, String name, long fallback, List<Problem.InvalidParam> faults) {
    String text = ctx.queryParams().get(name);
    return text == null || text.isEmpty() ? fallback : parseLong(text, name, faults);
  }

  private static long parseLong(String text, String name, List<Problem.InvalidParam> faults) {
    try {
      long value = Long.parseLong(text.trim());
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    faults.add(new Problem.InvalidParam(name, "must be a whole number, 0 or more"));
    return 0;
  }

  private static void rejectFaults(List<Problem.InvalidParam> faults) {
    if (!faults.isEmpty()) {
      throw new ProblemException(new Problem(400, "Invalid query", "The query has invalid parameters.", faults));
    }
  }
}
