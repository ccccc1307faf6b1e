package io.rainhub.agents;

import static io.rainhub.bus.Addresses.*;

import io.rainhub.agents.AgentFrames.Frame;
import io.rainhub.agents.AgentFrames.FrameException;
import io.rainhub.api.WebSocketLimits;
import io.rainhub.api.Replies;
import io.rainhub.metrics.HubMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.rainhub.bus.LeaderRequests;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's WebSocket, on the event loop of the HTTP verticle that accepted it. Checks each
 * frame, hands what it means to the hypervisor, and sends the node its commands: first the
 * outbox's backlog, then live ones as the hypervisor publishes them, each sequence once per
 * connection and in order.
 */
final class AgentSession {

  private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);
  /** Malformed frames in a row before the connection is closed (policy violation). */
  private static final int MAX_MALFORMED_IN_A_ROW = 10;
  private static final short POLICY_VIOLATION = 1008;
  private static final short PROTOCOL_ERROR = 1002;
  /**
   * Frames handed to the hypervisor and not answered yet, beyond which the socket is paused (TCP
   * then slows the agent down): memory per session stays bounded whatever an agent sends.
   */
  private static final int MAX_IN_FLIGHT = 32;

  private final ServerWebSocket socket;
  private final Vertx vertx;
  private final EventBus bus;
  private final HubMetrics metrics;
  private final String tokenId;
  /** The agent token's name: the actor of what this agent causes. */
  private final String agentName;
  private final String sessionId = UUID.randomUUID().toString();
  private final Consumer<AgentSession> onClose;
  private String nodeId;
  private boolean helloInFlight;
  private boolean closed;
  /** The agent said goodbye: nothing it sends after that is used. */
  private boolean leaving;
  private int malformedInARow;
  private MessageConsumer<JsonObject> commands;
  /** Live commands that arrived while the backlog was being read; null once it was sent. */
  private TreeMap<Long, JsonObject> heldBack = new TreeMap<>();
  private long lastSentSeq;
  private int inFlight;
  private boolean heartbeatInFlight;
  /** The newest heartbeat that arrived while one was in flight: older ones say nothing newer. */
  private Frame nextHeartbeat;
  private long nextHeartbeatReceived;

  AgentSession(Vertx vertx, ServerWebSocket socket, String tokenId, String agentName, HubMetrics metrics,
      Consumer<AgentSession> onClose) {
    this.agentName = agentName;
    this.socket = socket;
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.metrics = metrics;
    this.tokenId = tokenId;
    this.onClose = onClose;
  }

  String tokenId() {
    return tokenId;
  }

  void start() {
    socket.textMessageHandler(this::onText);
    socket.binaryMessageHandler(binary -> refuse(new FrameException("malformed", "Frames are JSON text, not binary.", null)));
    socket.exceptionHandler(failure -> {
      LOG.debug("Agent socket of node {} failed: {}", nodeId, failure.toString());
      // Vert.x drops a message over the maximum size (1 MiB) and only reports it here; the agent
      // would never learn why, so the protocol closes the connection (1009) instead. (A single
      // frame over the limit is answered by the codec: api.CodecRefusals.)
      if (WebSocketLimits.closeIfTooBig(socket, failure)) {
        metrics.agentFrameRefused("too-large");
      }
    });
    socket.closeHandler(closedNow -> {
      closed = true;
      if (commands != null) {
        commands.unregister();
      }
      onClose.accept(this);
    });
  }

  void close(short code, String reason) {
    if (!closed) {
      socket.close(code, reason);
    }
  }

  private void onText(String text) {
    metrics.agentFrameReceived();
    Frame frame;
    try {
      frame = AgentFrames.read(text);
    } catch (FrameException refused) {
      refuse(refused);
      return;
    }
    malformedInARow = 0;
    if (leaving) {
      return;
    }
    if (nodeId == null && !frame.type().equals("hello")) {
      send(new FrameException("hello-required", "The first frame on a connection is a hello.", frame.id()).toFrame());
      return;
    }
    switch (frame.type()) {
      case "hello" -> hello(frame);
      case "heartbeat" -> heartbeat(frame);
      case "result" -> toHypervisor(HV_AGENT_RESULT, frame, frame.body().copy());
      case "event" -> toHypervisor(HV_AGENT_EVENT, frame, new JsonObject().put("event", frame.body()));
      case "ack" -> LOG.debug("Node {} acknowledged command {}", nodeId, frame.body().getString("commandId"));
      case "goodbye" -> goodbye(frame);
      default -> LOG.warn("Agent of node {} reports an error: {}", nodeId, abbreviated(frame.body().encode()));
    }
  }

  /** What an agent sends reaches the log only up to a line's worth. */
  private static String abbreviated(String text) {
    return text.length() <= 1000 ? text : text.substring(0, 1000) + "…";
  }

  private void refuse(FrameException refused) {
    metrics.agentFrameRefused(refused.code);
    send(refused.toFrame());
    if (refused.code.equals("unsupported-protocol")) {
      close(PROTOCOL_ERROR, "unsupported protocol");
    } else if (++malformedInARow >= MAX_MALFORMED_IN_A_ROW) {
      close(POLICY_VIOLATION, "too many malformed frames");
    }
  }

  private void hello(Frame frame) {
    if (nodeId != null || helloInFlight) {
      send(new FrameException("duplicate-hello", "This connection already said hello.", frame.id()).toFrame());
      return;
    }
    helloInFlight = true;
    LeaderRequests.<JsonObject>request(vertx, HV_AGENT_HELLO,
            AgentGateway.fromAgent(frame.body().copy(), agentName, tokenId))
        .compose(reply -> {
          JsonObject welcome = reply.body();
          nodeId = welcome.getString("nodeId");
          send(AgentFrames.frame("welcome", welcome.put("protocol", AgentFrames.PROTOCOL)));
          LOG.info("Agent {} ({} {}) connected from {}", frame.body().getString("name"), welcome.getString("kind"),
              nodeId, socket.remoteAddress());
          return followCommands();
        })
        .onFailure(failure -> {
          helloInFlight = false;
          refuseByHub(failure, frame.id());
        });
  }

  /** Listens for live commands before reading the backlog, so none published in between is missed. */
  private Future<Void> followCommands() {
    commands = bus.consumer(AGENT_NODE_PREFIX + nodeId, message -> {
      JsonObject command = message.body();
      if ("superseded".equals(command.getString("type"))) {
        if (!sessionId.equals(command.getString("sessionId"))) {
          close(POLICY_VIOLATION, "replaced by a newer connection of this node");
        }
        return;
      }
      if (heldBack != null) {
        heldBack.put(command.getLong("seq"), command);
      } else {
        sendCommand(command);
      }
    });
    return commands.completion()
        .onSuccess(ready -> bus.publish(AGENT_NODE_PREFIX + nodeId,
            new JsonObject().put("type", "superseded").put("sessionId", sessionId)))
        .compose(ready -> LeaderRequests.<JsonObject>request(vertx, HV_AGENT_PENDING,
            AgentGateway.fromAgent(new JsonObject().put("nodeId", nodeId), agentName, tokenId)))
        .onSuccess(reply -> {
          JsonArray backlog = reply.body().getJsonArray("commands");
          backlog.forEach(command -> sendCommand((JsonObject) command));
          TreeMap<Long, JsonObject> live = heldBack;
          heldBack = null;
          live.values().forEach(this::sendCommand);
        })
        .onFailure(failure -> close(POLICY_VIOLATION, "could not read the node's outbox; reconnect"))
        .mapEmpty();
  }

  private void sendCommand(JsonObject command) {
    long seq = command.getLong("seq");
    if (seq > lastSentSeq) {
      lastSentSeq = seq;
      send(command);
    }
  }

  /** One heartbeat in flight per node; while it is, only the newest waits (a heartbeat replaces the one before). */
  /**
   * The agent stops cleanly: its node leaves. A heartbeat still waiting is dropped and later frames
   * are ignored, so nothing brings the node back before the agent's next hello.
   */
  private void goodbye(Frame frame) {
    leaving = true;
    nextHeartbeat = null;
    toHypervisor(HV_AGENT_GOODBYE, frame, new JsonObject().put("reason", frame.body().getString("reason")));
  }

  private void heartbeat(Frame frame) {
    if (heartbeatInFlight) {
      nextHeartbeat = frame;
      nextHeartbeatReceived = System.nanoTime();
      return;
    }
    applyHeartbeat(frame, System.nanoTime());
  }

  private void applyHeartbeat(Frame frame, long received) {
    heartbeatInFlight = true;
    JsonObject body = AgentGateway.fromAgent(frame.body().copy().put("nodeId", nodeId), agentName, tokenId);
    LeaderRequests.<JsonObject>request(vertx, HV_AGENT_HEARTBEAT, body).onComplete(applied -> {
      heartbeatInFlight = false;
      if (applied.succeeded()) {
        metrics.heartbeatApplied(System.nanoTime() - received);
      } else {
        refuseByHub(applied.cause(), frame.id());
      }
      Frame next = nextHeartbeat;
      if (next != null && !closed && !leaving) {
        nextHeartbeat = null;
        applyHeartbeat(next, nextHeartbeatReceived);
      }
    });
  }

  private void toHypervisor(String address, Frame frame, JsonObject body) {
    if (++inFlight == MAX_IN_FLIGHT) {
      socket.pause();
    }
    LeaderRequests.<JsonObject>request(vertx, address, AgentGateway.fromAgent(body.put("nodeId", nodeId), agentName, tokenId))
        .onComplete(answered -> {
      if (inFlight-- == MAX_IN_FLIGHT && !closed) {
        socket.resume();
      }
      if (answered.failed()) {
        refuseByHub(answered.cause(), frame.id());
      }
    });
  }

  /**
   * The hub could not use a frame: the agent is told why. A node bound to another token (or a REST
   * record not enrolled for this one) ends the connection (1008): this agent may not speak for it,
   * and the node's own session is left alone.
   */
  private void refuseByHub(Throwable failure, String inReplyTo) {
    JsonObject error = hubError(failure, inReplyTo);
    send(error);
    if (failure instanceof ReplyException reply && reply.failureCode() == 403) {
      metrics.agentFrameRefused(error.getJsonObject("body").getString("code"));
      close(POLICY_VIOLATION, "node bound to another agent token");
    }
  }

  private void send(JsonObject frame) {
    if (!closed) {
      socket.writeTextMessage(frame.encode());
    }
  }

  /**
   * The hub could not use the frame: an error frame naming why (the agent resends later). A refusal
   * (409, e.g. a hello giving another node's name) is {@code conflict}: resending will not help.
   */
  private static JsonObject hubError(Throwable failure, String inReplyTo) {
    int status = failure instanceof ReplyException reply ? reply.failureCode() : 503;
    JsonObject refusal = refusalOf(failure.getMessage());
    String code = status == 404 ? "unknown-node" : status == 409 ? "conflict"
        : status == 403 ? refusal.getString("code", "node-bound") : "hub-unavailable";
    return new FrameException(code, refusal.getString("detail", failure.getMessage()), inReplyTo).toFrame();
  }

  /** A hypervisor refusal's document ({detail, field, code?}), or an empty one for any other failure. */
  private static JsonObject refusalOf(String message) {
    if (message != null && message.startsWith("{")) {
      try {
        return new JsonObject(message);
      } catch (io.vertx.core.json.DecodeException notJson) {
        // a plain message
      }
    }
    return new JsonObject();
  }
}
