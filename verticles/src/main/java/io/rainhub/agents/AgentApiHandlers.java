package io.rainhub.agents;

import static io.rainhub.bus.Addresses.*;

import io.rainhub.api.Callers;
import io.rainhub.api.JsonInput;
import io.rainhub.api.Problem;
import io.rainhub.api.QueryParams;
import io.rainhub.api.ProblemException;
import io.rainhub.api.Replies;
import io.rainhub.store.Store;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What people see of agents: the agent-managed nodes with their liveness, and commands sent to a
 * node with request-reply (the caller waits for the agent's result, up to a time-out).
 */
final class AgentApiHandlers {

  /** Actions a person may send; the others follow from cloud API changes and keep the maps true. */
  private static final Pattern MANUAL_ACTIONS = Pattern.compile("guest|update");
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9-]{1,36}");
  private static final Pattern AGENT_TOKEN = Pattern.compile("[^\\p{Cntrl}]{1,128}");
  private static final int DEFAULT_TIMEOUT_MS = 10_000;
  private static final int MAX_TIMEOUT_MS = 120_000;
  private static final int MAX_LISTED = 500;
  /** As GET /webcomponent/all: {@code start} (default 0) and {@code range} (default 50, at most 1000). */
  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_PAGE = 1000;

  private final Vertx vertx;
  private final Store store;

  AgentApiHandlers(Vertx vertx, Store store) {
    this.vertx = vertx;
    this.store = store;
  }

  void listAgents(RoutingContext ctx) {
    List<Problem.InvalidParam> faults = new java.util.ArrayList<>();
    int start = QueryParams.queryInt(ctx, "start", 0, 0, Integer.MAX_VALUE, faults);
    int range = QueryParams.queryInt(ctx, "range", DEFAULT_PAGE, 1, MAX_PAGE, faults);
    if (!faults.isEmpty()) {
      throw new ProblemException(new Problem(400, "Invalid query", "The query has invalid parameters.", faults));
    }
    Replies.toHypervisor(ctx, HV_AGENT_LIST, new JsonObject().put("start", start).put("range", range), 200);
  }

  /**
   * An admin binds a node to an agent token, named by its id or its name: a REST-registered
   * mothership or rain server can then be taken over by that token's agent, an agent-managed node
   * (say, one whose token was revoked) is re-bound at once. The token must be unrevoked and unexpired;
   * a name several such tokens share is ambiguous (409).
   */
  void enrol(RoutingContext ctx) {
    String nodeId = nodeId(ctx);
    JsonObject body = JsonInput.of(ctx)
        .requireString("agentToken", AGENT_TOKEN, "must be an agent token's id or name (1-128 characters)")
        .allowOnly("agentToken")
        .valid();
    String wanted = body.getString("agentToken");
    vertx.eventBus().<JsonObject>request(IDENTITY_AGENT_TOKEN_LIST, new JsonObject(), Replies.BUS_OPTIONS)
        .map(tokens -> tokenIdOf(tokens.body().getJsonArray("items"), wanted))
        .compose(tokenId -> Replies.<JsonObject>askHypervisor(ctx, HV_NODE_ENROL, Callers.of(ctx).into(new JsonObject()
            .put("nodeId", nodeId).put("agentTokenId", tokenId))))
        .onSuccess(reply -> Replies.json(ctx, 200, reply.body()))
        .onFailure(ctx::fail);
  }

  /** The id of the one usable agent token {@code wanted} names (by id first, else by name). */
  private static String tokenIdOf(JsonArray tokens, String wanted) {
    OffsetDateTime now = OffsetDateTime.now();
    List<JsonObject> usable = tokens.stream().map(JsonObject.class::cast)
        .filter(token -> token.getString("revokedAt") == null
            && OffsetDateTime.parse(token.getString("expiresAt")).isAfter(now))
        .toList();
    List<JsonObject> byId = usable.stream().filter(token -> wanted.equals(token.getString("id"))).toList();
    List<JsonObject> named = byId.isEmpty()
        ? usable.stream().filter(token -> wanted.equals(token.getString("name"))).toList() : byId;
    if (named.isEmpty()) {
      throw new ProblemException(new Problem(400, "Invalid request body", "No unrevoked, unexpired agent token has the"
          + " id or name " + wanted + ".", List.of(new Problem.InvalidParam("agentToken",
              "must name an unrevoked, unexpired agent token (its id or name)"))));
    }
    if (named.size() > 1) {
      throw new ProblemException(new Problem(409, "Conflict", named.size() + " agent tokens are named " + wanted
          + "; give the token's id instead.", List.of(new Problem.InvalidParam("agentToken", "is ambiguous: give the id"))));
    }
    return named.get(0).getString("id");
  }

  /**
   * Stores the command, then waits for its result: 200 with the finished command, or 504 naming the
   * command, which stays queued for the agent. Listens for the result before the command exists.
   */
  void sendCommand(RoutingContext ctx) {
    String nodeId = nodeId(ctx);
    JsonObject body = JsonInput.of(ctx)
        .requireString("action", MANUAL_ACTIONS, "must be guest or update (other actions follow from cloud API changes)")
        .optionalInt("timeoutMs", 1, MAX_TIMEOUT_MS)
        .allowOnly("action", "args", "timeoutMs")
        .valid();
    if (body.containsKey("args") && !(body.getValue("args") instanceof JsonObject)) {
      throw new ProblemException(new Problem(400, "Invalid request body", "Field 'args' must be an object.",
          List.of(new Problem.InvalidParam("args", "must be an object"))));
    }
    String commandId = UUID.randomUUID().toString();
    int timeoutMs = body.getInteger("timeoutMs", DEFAULT_TIMEOUT_MS);
    MessageConsumer<JsonObject> done = vertx.eventBus().consumer(COMMAND_DONE_PREFIX + commandId);
    long[] timer = {-1};
    done.handler(message -> {
      vertx.cancelTimer(timer[0]);
      done.unregister();
      Replies.json(ctx, 200, message.body());
    });
    done.completion()
        .compose(ready -> Replies.<JsonObject>askHypervisor(ctx, HV_COMMAND_SEND, Callers.of(ctx).into(new JsonObject()
            .put("nodeId", nodeId).put("commandId", commandId).put("action", body.getString("action"))
            .put("args", body.getJsonObject("args", new JsonObject())))))
        .onSuccess(stored -> timer[0] = vertx.setTimer(timeoutMs, t -> {
          done.unregister();
          ctx.fail(new ProblemException(new Problem(504, "Agent did not answer in time", "Command " + commandId
              + " is stored and stays queued for node " + nodeId + "; see GET /v1.0/commands/" + commandId + ".",
              List.of(), new JsonObject().put("commandId", commandId))));
        }))
        .onFailure(failure -> {
          done.unregister();
          ctx.fail(failure);
        });
  }

  void nodeCommands(RoutingContext ctx) {
    String nodeId = nodeId(ctx);
    query(ctx, "SELECT * FROM agent_commands WHERE node_id = " + store.dialect().placeholder(1) + " ORDER BY seq DESC"
        + " LIMIT " + MAX_LISTED, Tuple.of(nodeId))
        .onSuccess(items -> Replies.json(ctx, 200, new JsonObject().put("nodeId", nodeId).put("items", items)))
        .onFailure(ctx::fail);
  }

  void command(RoutingContext ctx) {
    String commandId = ctx.pathParam("commandId");
    query(ctx, "SELECT * FROM agent_commands WHERE command_id = " + store.dialect().placeholder(1), Tuple.of(commandId))
        .onSuccess(items -> {
          if (items.isEmpty()) {
            ctx.fail(new ProblemException(new Problem(404, "Not found", "No command " + commandId + ".")));
          } else {
            Replies.json(ctx, 200, items.getJsonObject(0));
          }
        })
        .onFailure(ctx::fail);
  }

  private io.vertx.core.Future<JsonArray> query(RoutingContext ctx, String sql, Tuple params) {
    return store.pool().preparedQuery(sql).execute(params).map(rows -> {
      JsonArray items = new JsonArray();
      for (Row row : rows) {
        items.add(new JsonObject().put("commandId", row.getString("command_id")).put("nodeId", row.getString("node_id"))
            .put("seq", row.getLong("seq")).put("action", row.getString("action"))
            .put("args", new JsonObject(row.getString("args"))).put("state", row.getString("state"))
            .put("createdAt", row.getOffsetDateTime("created_at").toString())
            .put("expiresAt", row.getOffsetDateTime("expires_at").toString())
            .put("finishedAt", row.getOffsetDateTime("finished_at") == null ? null
                : row.getOffsetDateTime("finished_at").toString())
            .put("result", row.getString("result") == null ? null : new JsonObject(row.getString("result"))));
      }
      return items;
    });
  }

  private static String nodeId(RoutingContext ctx) {
    String nodeId = ctx.pathParam("nodeId");
    if (!NODE_ID.matcher(nodeId).matches()) {
      throw new ProblemException(new Problem(404, "Not found", "No node " + nodeId + "."));
    }
    return nodeId;
  }
}
