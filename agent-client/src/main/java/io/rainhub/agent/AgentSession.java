package io.rainhub.agent;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;

/**
 * The agent's side of docs/agent-protocol.md, whatever carries the frames: {@code hello} on each
 * connection, {@code welcome} (node id kept in the state), heartbeats every interval, commands
 * handed to the {@link CommandExecutor}, {@code error} frames logged. A transport calls
 * {@link #open}, {@link #receive} and {@link #closed}, all on the session's event loop.
 */
public final class AgentSession {

  private static final long DEFAULT_HEARTBEAT_MS = 1_000;

  private final Vertx vertx;
  private final AgentIdentity identity;
  private final AgentState state;
  private final StateStore store;
  private final MetricsSource metrics;
  private final AgentCounters counters;
  private final Logger log;
  private final long heartbeatOverrideMs;
  private final CommandExecutor executor;
  private final Promise<Void> firstWelcome = Promise.promise();
  /** The agent's frame counter: {@code seq} of the frames it sends, since it started. */
  private long frameSeq;
  private FrameSink sink;
  private Promise<Void> welcome;
  /** The highest lease epoch a hub has shown: commands stamped with an older one come from a deposed leader. */
  private long leaderEpoch;
  /** The longest reconnect wait the hub's last welcome allows (0: not told). */
  private long hubReconnectMaxMs;
  private boolean welcomed;
  private long heartbeatTimer = -1;

  /**
   * @param log where this session reports; the simulator passes one it keeps quiet, its
   *     thousands of sessions report through counters instead
   * @param heartbeatOverrideMs heartbeat interval to use instead of the hub's, 0 for the hub's
   */
  public AgentSession(Vertx vertx, AgentIdentity identity, AgentState state, StateStore store, NodeActions actions,
      MetricsSource metrics, AgentCounters counters, Logger log, long heartbeatOverrideMs) {
    this.vertx = vertx;
    this.identity = identity;
    this.state = state;
    this.store = store;
    this.metrics = metrics;
    this.counters = counters;
    this.log = log;
    this.heartbeatOverrideMs = heartbeatOverrideMs;
    this.executor = new CommandExecutor(state, store, actions, counters, log, this::reply);
  }

  /**
   * A connection to the hub opened: says {@code hello} on it.
   *
   * @return completes when the hub's {@code welcome} arrives, fails if the connection closes first
   */
  public Future<Void> open(FrameSink sink) {
    closed();
    this.sink = sink;
    this.welcome = Promise.promise();
    Future<Void> welcomed = welcome.future();
    send(Frames.HELLO, helloBody());
    return welcomed;
  }

  /** A text frame from the hub. */
  public void receive(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException notAnObject) {
      reject("malformed", "not a JSON object: " + notAnObject.getMessage(), null);
      return;
    }
    receive(frame);
  }

  public void receive(JsonObject frame) {
    String id = frame.getValue("id") instanceof String text ? text : null;
    if (!(frame.getValue("type") instanceof String type)) {
      reject("malformed", "a frame needs a type", id);
      return;
    }
    switch (type) {
      case Frames.WELCOME -> welcomed(frame, id);
      case Frames.COMMAND -> command(frame, id);
      case Frames.ERROR -> hubError(frame);
      default -> reject("unknown-type", "unknown frame type: " + type, id);
    }
  }

  /**
   * Before a clean stop: tells the hub the node leaves now, so it moves the node's instances at once
   * instead of waiting for the TTL to call the node LOST. Nothing is sent before a welcome.
   */
  public void goodbye(String reason) {
    if (welcomed) {
      send(Frames.GOODBYE, new JsonObject().put("reason", reason));
    }
  }

  /** The connection is gone: no more frames until the next {@link #open}. */
  public void closed() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
    }
    if (welcomed) {
      welcomed = false;
      counters.welcomeLost();
    }
    sink = null;
    if (welcome != null) {
      welcome.tryFail("the connection closed before the hub's welcome");
      welcome = null;
    }
  }

  /** The longest reconnect wait the hub allows for, from its welcome; 0 when it did not say. */
  public long hubReconnectMaxMs() {
    return hubReconnectMaxMs;
  }

  /** The highest lease epoch seen from the hub (welcome or command). */
  public long leaderEpoch() {
    return leaderEpoch;
  }

  /** The node id the hub gave, or null before the first welcome of a new node. */
  public String nodeId() {
    return state.nodeId();
  }

  /** Completes at the first {@code welcome} this session ever receives. */
  public Future<Void> firstWelcome() {
    return firstWelcome.future();
  }

  /** The next heartbeat frame, counted in the frame sequence; the simulator floods hubs with these. */
  public JsonObject heartbeatFrame() {
    return Frames.frame(Frames.HEARTBEAT, ++frameSeq, heartbeatBody());
  }

  private JsonObject helloBody() {
    JsonObject body = new JsonObject()
        .put("protocol", Frames.PROTOCOL)
        .put("kind", identity.kind())
        .put("name", identity.name())
        .put("address", identity.address());
    if (identity.capacity() != null) {
      body.put("capacity", identity.capacity());
    }
    if (!identity.labels().isEmpty()) {
      body.put("labels", new JsonObject(Map.copyOf(identity.labels())));
    }
    if (!identity.urls().isEmpty()) {
      body.put("urls", new JsonArray(identity.urls()));
    }
    body.put("agentVersion", identity.agentVersion())
        .put("lastCommandSeq", state.lastCommandSeq());
    if (state.nodeId() != null) {
      body.put("nodeId", state.nodeId());
    }
    return body.put("instances", state.instanceReports());
  }

  private JsonObject heartbeatBody() {
    return new JsonObject().put("metrics", metrics.current()).put("instances", state.instanceReports());
  }

  private void welcomed(JsonObject frame, String id) {
    if (sink == null) {
      return; // the welcome of a connection already given up
    }
    JsonObject body = frame.getValue("body") instanceof JsonObject object ? object : new JsonObject();
    if (!(body.getValue("nodeId") instanceof String nodeId)) {
      reject("malformed", "a welcome needs body.nodeId", id);
      return;
    }
    if (!nodeId.equals(state.nodeId())) {
      state.nodeId(nodeId);
      store.save(state).onFailure(error -> log.error("Could not record node id {} in the state directory", nodeId,
          error));
    }
    long interval = heartbeatOverrideMs > 0 ? heartbeatOverrideMs
        : body.getValue("heartbeatIntervalMs") instanceof Number number && number.longValue() > 0
            ? number.longValue() : DEFAULT_HEARTBEAT_MS;
    if (body.getValue("epoch") instanceof Number epoch) {
      leaderEpoch = Math.max(leaderEpoch, epoch.longValue());
    }
    if (body.getValue("reconnectMaxMs") instanceof Number reconnectMax) {
      hubReconnectMaxMs = reconnectMax.longValue();
    }
    if (!welcomed) {
      welcomed = true;
      counters.welcomeReceived();
    }
    log.info("Welcomed by the hub as node {} ({}); a heartbeat every {} ms", nodeId, body.getString("state"),
        interval);
    startHeartbeats(interval);
    welcome.tryComplete();
    firstWelcome.tryComplete();
  }

  private void startHeartbeats(long interval) {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    // A random first delay spreads the heartbeats of many agents (a simulator, a fleet restarted at
    // once) over the interval instead of bunching them.
    long first = 1 + ThreadLocalRandom.current().nextLong(interval);
    heartbeatTimer = vertx.setPeriodic(first, interval, timer -> send(Frames.HEARTBEAT, heartbeatBody()));
  }

  private void command(JsonObject frame, String id) {
    if (frame.getValue("epoch") instanceof Number stamped) {
      if (stamped.longValue() < leaderEpoch) {
        // Only a hub that lost the lease sends these; the leader sends what is still due itself.
        reject("stale-epoch", "command " + id + " is stamped with epoch " + stamped + " but the hub's leader is at epoch "
            + leaderEpoch + "; refused", id);
        return;
      }
      leaderEpoch = stamped.longValue();
    }
    Command command;
    try {
      command = Command.fromFrame(frame);
    } catch (IllegalArgumentException malformed) {
      reject("malformed", malformed.getMessage(), id);
      return;
    }
    executor.accept(command);
  }

  private void hubError(JsonObject frame) {
    JsonObject body = frame.getValue("body") instanceof JsonObject object ? object : new JsonObject();
    String description = body.getValue("code") + ": " + body.getValue("message")
        + (body.getValue("inReplyTo") == null ? "" : " (in reply to frame " + body.getValue("inReplyTo") + ")");
    counters.error("hub error " + description);
    log.error("The hub answered with an error: {}", description);
  }

  private void reject(String code, String message, String inReplyTo) {
    log.warn("Could not use a frame from the hub ({}): {}", code, message);
    JsonObject body = new JsonObject().put("code", code).put("message", message);
    if (inReplyTo != null) {
      body.put("inReplyTo", inReplyTo);
    }
    send(Frames.ERROR, body);
  }

  /** Acks and results need a welcomed connection; without one the hub will send the command again. */
  private boolean reply(String type, JsonObject body) {
    if (welcomed && sink != null) {
      send(type, body);
      return true;
    }
    log.debug("Not connected: {} for command {} dropped until the hub sends the command again", type,
        body.getString("commandId"));
    return false;
  }

  private void send(String type, JsonObject body) {
    if (sink != null) {
      sink.send(Frames.frame(type, ++frameSeq, body));
      counters.framesSent(1);
    }
  }
}
