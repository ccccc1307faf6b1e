package io.rainhub.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Runs the hub's commands one at a time, in sequence order, each at most once
 * (docs/agent-protocol.md, "Delivery"): a command is recorded as started in the state directory
 * before its {@code ack}, and its result after it ran. A command seen before is never run again;
 * its stored result is sent again. Confined to the agent's event loop.
 */
public final class CommandExecutor {

  /** Sends an {@code ack} or {@code result} body, or drops it while there is no welcomed connection. */
  @FunctionalInterface
  public interface Replies {
    /** @return whether it was sent, not dropped */
    boolean send(String type, JsonObject body);
  }

  private final AgentState state;
  private final StateStore store;
  private final NodeActions actions;
  private final AgentCounters counters;
  private final Logger log;
  private final Replies replies;
  private final PriorityQueue<Command> queue = new PriorityQueue<>(Comparator.comparingLong(Command::seq));
  /** Commands queued or running in this process. */
  private final Set<String> pending = new HashSet<>();
  private boolean running;

  public CommandExecutor(AgentState state, StateStore store, NodeActions actions, AgentCounters counters,
      Logger log, Replies replies) {
    this.state = state;
    this.store = store;
    this.actions = actions;
    this.counters = counters;
    this.log = log;
    this.replies = replies;
  }

  public void accept(Command command) {
    if (pending.contains(command.commandId())) {
      // The hub sent it again (a reconnect) while it waits or runs here: its result follows when it ends.
      return;
    }
    if (state.commandStatus(command.commandId()) != null) {
      log.info("Command {} (#{}) was seen before: sending its result again, not running it",
          command.commandId(), command.seq());
      sendResult(command, state.storedResult(command.commandId()));
      return;
    }
    pending.add(command.commandId());
    queue.add(command);
    runNext();
  }

  private void runNext() {
    if (running || queue.isEmpty()) {
      return;
    }
    running = true;
    Command command = queue.poll();
    run(command).onComplete(done -> {
      pending.remove(command.commandId());
      running = false;
      runNext();
    });
  }

  private Future<Void> run(Command command) {
    if (command.expired(System.currentTimeMillis())) {
      return finish(command, CommandOutcome.failed(
          "expired at " + Instant.ofEpochMilli(command.expiresAt()) + " before it could run: not run"));
    }
    state.commandStarted(command.commandId(), command.seq(), command.action());
    return store.save(state).transform(recorded -> {
      if (recorded.failed()) {
        // Without the record a restart could run it twice: refuse rather than break at-most-once.
        log.error("Could not record command {} in the state directory", command.commandId(), recorded.cause());
        return finish(command, CommandOutcome.failed(
            "not run: the agent could not record it in its state directory: " + recorded.cause().getMessage()));
      }
      replies.send(Frames.ACK, new JsonObject().put("commandId", command.commandId()).put("seq", command.seq()));
      log.info("Command {} (#{}) {}: running", command.commandId(), command.seq(), command.action());
      return actions.execute(command, this::stepStarted).compose(outcome -> {
        counters.commandExecuted();
        return finish(command, outcome);
      });
    });
  }

  /** An {@code event} of type {@code step}: the hub shows it as the instance's progress (installing, …). */
  private void stepStarted(Command command, LifecycleStep step) {
    String instanceId = command.args().getString("instanceId");
    if (instanceId != null) {
      replies.send(Frames.EVENT, new JsonObject().put("type", "step").put("commandId", command.commandId())
          .put("instanceId", instanceId).put("action", command.action())
          .put("step", step.name().toLowerCase(java.util.Locale.ROOT)));
    }
  }

  private Future<Void> finish(Command command, CommandOutcome outcome) {
    JsonObject result = outcome.resultBody(command);
    state.commandFinished(command.commandId(), command.seq(), command.action(), result);
    log.info("Command {} (#{}) {}: {}{}", command.commandId(), command.seq(), command.action(),
        result.getString("status"), outcome.succeeded() || outcome.output().isEmpty() ? ""
            : " (" + outcome.output().get(outcome.output().size() - 1) + ")");
    return store.save(state).transform(saved -> {
      if (saved.failed()) {
        log.error("Could not record the result of command {}", command.commandId(), saved.cause());
      }
      sendResult(command, result);
      return Future.succeededFuture();
    });
  }

  private void sendResult(Command command, JsonObject result) {
    if (replies.send(Frames.RESULT, result)) {
      actions.resultSent(command.action(), result);
    }
  }
}
