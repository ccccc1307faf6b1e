package io.rainhub.agents;

import static io.rainhub.bus.Addresses.*;

import io.rainhub.bus.Caller;

import io.rainhub.agents.AgentFrames.Frame;
import io.rainhub.agents.AgentFrames.FrameException;
import io.rainhub.api.JsonInput;
import io.rainhub.api.Problem;
import io.rainhub.api.ProblemException;
import io.rainhub.api.Replies;
import io.rainhub.api.Roles;
import io.rainhub.metrics.HubMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.rainhub.bus.LeaderRequests;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Where agents come in: the WebSocket at /agents/ws and the HTTP fallback at /agents/http/*, both
 * behind an agent token (role {@code agent}, not revoked). One instance per HTTP verticle; the
 * sessions it holds live on that verticle's event loop.
 */
final class AgentGateway {

  private static final short POLICY_VIOLATION = 1008;
  private static final long DEFAULT_POLL_MILLIS = 25_000;
  private static final long MAX_POLL_MILLIS = 30_000;
  private static final String TOKEN_ID = "agentTokenId";
  private static final String TOKEN_NAME = "agentTokenName";
  /** The body member the hypervisor reads the agent token's id from (Fleet.AGENT_TOKEN_FIELD). */
  static final String AGENT_TOKEN_FIELD = "agentTokenId";

  private final Vertx vertx;
  private final JWTAuth jwt;
  private final HubMetrics metrics;
  private final boolean clientCertificateRequired;
  private final Map<String, Set<AgentSession>> sessionsByToken = new HashMap<>();
  /**
   * Agent tokens found unrevoked, until when (epoch millis): a reconnect storm of thousands of
   * agents sharing a few tokens must not cost a database query each. A revocation clears its entry.
   */
  private final Map<String, Long> unrevokedUntil = new HashMap<>();
  private static final long UNREVOKED_CACHE_MILLIS = 60_000;
  /** Tokens revoked while this hub runs: a check answered just before the revocation cannot re-admit them. */
  private final Set<String> revoked = new HashSet<>();

  /** With {@code clientCertificateRequired}, agents must also present a certificate the hub's agent CA signed. */
  AgentGateway(Vertx vertx, JWTAuth jwt, HubMetrics metrics, boolean clientCertificateRequired) {
    this.vertx = vertx;
    this.jwt = jwt;
    this.metrics = metrics;
    this.clientCertificateRequired = clientCertificateRequired;
    // A revoked token loses its open sessions at once.
    vertx.eventBus().<JsonObject>consumer(AGENT_TOKEN_REVOKED, message -> {
      revoked.add(message.body().getString("id"));
      unrevokedUntil.remove(message.body().getString("id"));
      Set<AgentSession> sessions = sessionsByToken.remove(message.body().getString("id"));
      if (sessions != null) {
        Set.copyOf(sessions).forEach(session -> session.close(POLICY_VIOLATION, "agent token revoked"));
      }
    });
  }

  /**
   * Lets the request through only with a valid agent token: signed by this hub, unexpired, role
   * {@code agent}, and still on record unrevoked. Else 401 before any upgrade.
   */
  void authenticate(RoutingContext ctx) {
    if (clientCertificateRequired && !hasClientCertificate(ctx)) {
      ctx.fail(unauthorized("This hub requires agents to present a client certificate signed by its agent CA."));
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      ctx.fail(unauthorized("An agent token is required: Authorization: Bearer <token>."));
      return;
    }
    // An upgrade must find the request unread: hold it while the token is checked.
    ctx.request().pause();
    jwt.authenticate(new TokenCredentials(header.substring(7).trim()))
        .recover(invalid -> Future.failedFuture(unauthorized("The agent token is invalid or expired.")))
        .compose(user -> {
          JsonArray roles = user.principal().getJsonArray(Roles.CLAIM, new JsonArray());
          String tokenId = user.principal().getString("jti");
          ctx.put(TOKEN_NAME, user.principal().getString("name", tokenId));
          if (!roles.contains(Roles.AGENT) || tokenId == null) {
            return Future.failedFuture(unauthorized("This is not an agent token; admins issue those at "
                + "POST /v1.0/agent-tokens."));
          }
          return unrevoked(tokenId);
        })
        .onSuccess(tokenId -> {
          ctx.put(TOKEN_ID, tokenId);
          // An upgrade stays paused until toWebSocket takes the request over; resuming first lets
          // the request end, and the upgrade can then find its connection gone.
          if (!"websocket".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.UPGRADE))) {
            ctx.request().resume();
          }
          ctx.next();
        })
        .onFailure(failure -> {
          ctx.request().resume();
          ctx.fail(failure);
        });
  }

  private Future<String> unrevoked(String tokenId) {
    Long until = unrevokedUntil.get(tokenId);
    if (until != null && until > System.currentTimeMillis()) {
      return Future.succeededFuture(tokenId);
    }
    return vertx.eventBus().<JsonObject>request(IDENTITY_AGENT_TOKEN_CHECK, new JsonObject().put("id", tokenId),
            Replies.BUS_OPTIONS)
        .compose(check -> {
          if (!check.body().getBoolean("valid")) {
            unrevokedUntil.remove(tokenId);
            return Future.failedFuture(unauthorized("The agent token was revoked."));
          }
          if (revoked.contains(tokenId)) {
            return Future.failedFuture(unauthorized("The agent token was revoked."));
          }
          unrevokedUntil.put(tokenId, System.currentTimeMillis() + UNREVOKED_CACHE_MILLIS);
          return Future.succeededFuture(tokenId);
        });
  }

  /** TLS verified the certificate against the agent CA during the handshake; here it must be present. */
  private static boolean hasClientCertificate(RoutingContext ctx) {
    if (!ctx.request().isSSL()) {
      return false;
    }
    try {
      return !ctx.request().connection().peerCertificates().isEmpty();
    } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
      return false;
    }
  }

  void webSocket(RoutingContext ctx) {
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.UPGRADE))) {
      throw new ProblemException(new Problem(400, "WebSocket expected",
          "Agents connect here with a WebSocket upgrade (or use the HTTP fallback under /agents/http/).",
          java.util.List.of(new Problem.InvalidParam("Upgrade", "must be websocket"))));
    }
    String tokenId = ctx.get(TOKEN_ID);
    ctx.request().toWebSocket().onFailure(ctx::fail).onSuccess(socket -> {
      AgentSession session = new AgentSession(vertx, socket, tokenId, ctx.get(TOKEN_NAME), metrics, this::forget);
      sessionsByToken.computeIfAbsent(tokenId, k -> new HashSet<>()).add(session);
      session.start();
    });
  }

  private void forget(AgentSession session) {
    Set<AgentSession> sessions = sessionsByToken.get(session.tokenId());
    if (sessions != null && sessions.remove(session) && sessions.isEmpty()) {
      sessionsByToken.remove(session.tokenId());
    }
  }

  // --- HTTP fallback: the same frames and semantics for agents that cannot hold a socket

  void httpHello(RoutingContext ctx) {
    Frame frame = frame(ctx, "hello");
    LeaderRequests.<JsonObject>request(vertx, HV_AGENT_HELLO, fromAgent(ctx, frame.body().copy()))
        .onSuccess(reply -> Replies.json(ctx, 200,
            AgentFrames.frame("welcome", reply.body().put("protocol", AgentFrames.PROTOCOL))))
        .onFailure(ctx::fail);
  }

  void httpHeartbeat(RoutingContext ctx) {
    String nodeId = node(ctx);
    Frame frame = frame(ctx, "heartbeat");
    long received = System.nanoTime();
    LeaderRequests.<JsonObject>request(vertx, HV_AGENT_HEARTBEAT, fromAgent(ctx, frame.body().copy().put("nodeId", nodeId)))
        .onSuccess(applied -> {
          metrics.heartbeatApplied(System.nanoTime() - received);
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }

  void httpFrames(RoutingContext ctx) {
    String nodeId = node(ctx);
    Frame frame = frame(ctx, null);
    Future<?> handled = switch (frame.type()) {
      case "result" -> LeaderRequests.request(vertx, HV_AGENT_RESULT,
          fromAgent(ctx, frame.body().copy().put("nodeId", nodeId)));
      case "event" -> LeaderRequests.request(vertx, HV_AGENT_EVENT,
          fromAgent(ctx, new JsonObject().put("nodeId", nodeId).put("event", frame.body())));
      // The agent stops cleanly: the node leaves now (as agents/AgentSession does for the socket's goodbye).
      case "goodbye" -> LeaderRequests.request(vertx, HV_AGENT_GOODBYE, fromAgent(ctx,
          new JsonObject().put("nodeId", nodeId).put("reason", frame.body().getString("reason"))));
      case "ack", "error" -> Future.succeededFuture();
      default -> Future.failedFuture(badFrame(new FrameException("malformed", "POST a " + frame.type()
          + " frame to its own path under /agents/http/.", frame.id())));
    };
    handled.onSuccess(done -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  /**
   * Long poll: the node's commands without a result, as on a reconnect; when there are none, waits
   * up to {@code waitMs} for the next one. Listens before it reads, so none slips between.
   */
  void httpCommands(RoutingContext ctx) {
    String nodeId = node(ctx);
    long waitMillis = waitMillis(ctx);
    MessageConsumer<JsonObject> live = vertx.eventBus().consumer(AGENT_NODE_PREFIX + nodeId);
    JsonArray arrived = new JsonArray();
    long[] timer = {-1};
    Runnable answer = () -> {
      live.unregister();
      vertx.cancelTimer(timer[0]);
      if (!ctx.response().ended()) {
        Replies.json(ctx, 200, new JsonObject().put("commands", arrived));
      }
    };
    live.handler(message -> {
      if (message.body().containsKey("seq")) {
        arrived.add(message.body());
        answer.run();
      }
    });
    ctx.response().closeHandler(gone -> live.unregister());
    live.completion()
        .compose(ready -> LeaderRequests.<JsonObject>request(vertx, HV_AGENT_PENDING,
            fromAgent(ctx, new JsonObject().put("nodeId", nodeId))))
        .onSuccess(reply -> {
          JsonArray pending = reply.body().getJsonArray("commands");
          if (!pending.isEmpty() || waitMillis == 0) {
            arrived.clear();
            arrived.addAll(pending);
            answer.run();
          } else if (!ctx.response().ended()) {
            timer[0] = vertx.setTimer(waitMillis, t -> answer.run());
          }
        })
        .onFailure(failure -> {
          live.unregister();
          ctx.fail(failure);
        });
  }

  private static JsonObject fromAgent(RoutingContext ctx, JsonObject body) {
    return fromAgent(body, ctx.get(TOKEN_NAME), ctx.get(TOKEN_ID));
  }

  /**
   * What an agent sends the hypervisor names the agent: its token's name (the events' actor) and id
   * (the node binding the hypervisor checks). A caller member the agent put in its frame is dropped,
   * so an agent cannot pass for a person; token members it wrote are overwritten.
   */
  static JsonObject fromAgent(JsonObject body, String agentName, String agentTokenId) {
    body.remove(Caller.FIELD);
    return body.put(Caller.AGENT_FIELD, agentName).put(AGENT_TOKEN_FIELD, agentTokenId);
  }

  private static Frame frame(RoutingContext ctx, String expectedType) {
    JsonObject json = JsonInput.of(ctx).valid();
    Frame frame;
    try {
      frame = AgentFrames.check(json);
    } catch (FrameException refused) {
      throw badFrame(refused);
    }
    if (expectedType != null && !frame.type().equals(expectedType)) {
      throw badFrame(new FrameException("malformed", "This path takes a " + expectedType + " frame, not "
          + frame.type() + ".", frame.id()));
    }
    return frame;
  }

  private static String node(RoutingContext ctx) {
    String nodeId = ctx.request().getParam("node");
    if (nodeId == null || !nodeId.matches("[A-Za-z0-9-]{1,36}")) {
      throw new ProblemException(new Problem(400, "Invalid query", "Query parameter 'node' must be the nodeId "
          + "the welcome gave.", java.util.List.of(new Problem.InvalidParam("node", "is required: the node id"))));
    }
    return nodeId;
  }

  private static long waitMillis(RoutingContext ctx) {
    String text = ctx.request().getParam("waitMs");
    if (text == null) {
      return DEFAULT_POLL_MILLIS;
    }
    try {
      long value = Long.parseLong(text);
      if (value >= 0 && value <= MAX_POLL_MILLIS) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new ProblemException(new Problem(400, "Invalid query", "Query parameter 'waitMs' must be 0-"
        + MAX_POLL_MILLIS + ".", java.util.List.of(new Problem.InvalidParam("waitMs", "must be 0-" + MAX_POLL_MILLIS))));
  }

  private static ProblemException badFrame(FrameException refused) {
    return new ProblemException(new Problem(400, "Invalid agent frame", refused.getMessage(),
        java.util.List.of(new Problem.InvalidParam(refused.field != null ? refused.field : "frame",
            refused.code + ": " + refused.getMessage()))));
  }

  private static ProblemException unauthorized(String detail) {
    return new ProblemException(new Problem(401, "Unauthorized", detail));
  }
}
