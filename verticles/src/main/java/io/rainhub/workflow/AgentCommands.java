package io.rainhub.workflow;

import static io.rainhub.bus.Addresses.COMMAND_DONE_PREFIX;
import static io.rainhub.bus.Addresses.HV_COMMAND_SEND;

import io.rainhub.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Runs a command on a node's agent through the hypervisor's durable outbox and answers its result.
 * The command id is the caller's (stored with the task before this is called): asking again with the
 * same id, after a restart, finds the stored result or the command still queued, never a second one.
 */
final class AgentCommands {

  /** A result the hypervisor announced and we missed (it restarted, say) is found by asking the store this often. */
  private static final long POLL_MILLIS = 3_000;
  private static final DeliveryOptions SEND = new DeliveryOptions().setSendTimeout(10_000);

  private final Vertx vertx;
  private final Store store;

  AgentCommands(Vertx vertx, Store store) {
    this.vertx = vertx;
    this.store = store;
  }

  /**
   * The command's result {@code {status, exitCode?, output?, data?}}; status {@code failed} with a
   * line saying why when it expired or no result came within {@code timeoutMs} plus a minute.
   */
  Future<JsonObject> run(String agentNodeId, String commandId, String action, JsonObject args, long timeoutMs) {
    Promise<JsonObject> result = Promise.promise();
    MessageConsumer<JsonObject> done = vertx.eventBus().localConsumer(COMMAND_DONE_PREFIX + commandId,
        message -> finished(message.body()).ifPresent(result::tryComplete));
    long poll = vertx.setPeriodic(POLL_MILLIS, tick -> stored(commandId).onSuccess(row -> {
      if (row != null) {
        finished(row).ifPresent(result::tryComplete);
      }
    }));
    long guard = vertx.setTimer(timeoutMs + 60_000, tick -> result.tryComplete(failed(
        "no result from the node's agent within " + (timeoutMs + 60_000) / 1000 + " s; is it running?")));
    done.completion()
        .compose(registered -> stored(commandId))
        .compose(row -> {
          if (row == null) {
            return vertx.eventBus().<JsonObject>request(HV_COMMAND_SEND, new JsonObject().put("nodeId", agentNodeId)
                .put("commandId", commandId).put("action", action).put("args", args), SEND).mapEmpty();
          }
          finished(row).ifPresent(result::tryComplete);
          return Future.succeededFuture();
        })
        .onFailure(failure -> {
          // Not queued (the hypervisor was busy or just finished it): the poll finds out which.
        });
    return result.future().onComplete(ended -> {
      done.unregister();
      vertx.cancelTimer(poll);
      vertx.cancelTimer(guard);
    });
  }

  private Future<JsonObject> stored(String commandId) {
    return store.pool().preparedQuery("SELECT state, result FROM agent_commands WHERE command_id = "
        + store.dialect().placeholder(1)).execute(Tuple.of(commandId)).map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          String result = row.getString("result");
          return new JsonObject().put("state", row.getString("state"))
              .put("result", result == null ? null : new JsonObject(result));
        });
  }

  private static java.util.Optional<JsonObject> finished(JsonObject command) {
    String state = command.getString("state");
    if ("EXPIRED".equals(state)) {
      return java.util.Optional.of(failed("the command expired before the node's agent ran it"));
    }
    if (!"SUCCEEDED".equals(state) && !"FAILED".equals(state)) {
      return java.util.Optional.empty();
    }
    JsonObject result = command.getJsonObject("result");
    return java.util.Optional.of(result == null ? failed("the command " + state.toLowerCase() + " without a result")
        : result);
  }

  static JsonObject failed(String why) {
    return new JsonObject().put("status", "failed").put("output", new io.vertx.core.json.JsonArray().add(why));
  }
}
