package io.rainhub.hypervisor;

import io.rainhub.store.NamedSql;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The nodes' command outboxes, as the hypervisor holds them: per node the last sequence given and
 * the commands still waiting for a result. Every change is written through the caller's
 * {@link Change}, so a command is stored in the same transaction as the decision that made it.
 */
final class Outbox {

  static final NamedSql INSERT = NamedSql.of("INSERT INTO agent_commands (command_id, node_id, seq, action, args,"
      + " state, created_at, expires_at) VALUES (#{id}, #{nodeId}, #{seq}, #{action}, #{args}, #{state},"
      + " #{createdAt}, #{expiresAt})");
  static final NamedSql FINISH = NamedSql.of("UPDATE agent_commands SET state = #{state}, result = #{result},"
      + " finished_at = #{finishedAt} WHERE command_id = #{id}");

  private final Map<String, Long> lastSeq = new HashMap<>();
  private final Map<String, TreeMap<Long, AgentCommand>> pendingByNode = new HashMap<>();
  private final Map<String, AgentCommand> pendingById = new HashMap<>();
  /** Pending commands whose insert has not committed yet: never handed to an agent. */
  private final java.util.Set<String> unstored = new java.util.HashSet<>();
  private final long expiryMillis;

  Outbox(long expiryMillis) {
    this.expiryMillis = expiryMillis;
  }

  /** The last sequence given to the node, as stored: numbering goes on from there. */
  void restoreLastSeq(String nodeId, long seq) {
    lastSeq.put(nodeId, seq);
  }

  /** A stored command still waiting for its result. */
  void restorePending(AgentCommand command) {
    hold(command);
  }

  /** Queues a command with the node's next sequence; it is sent once {@code change} is committed. */
  AgentCommand enqueue(String nodeId, String action, JsonObject args, OffsetDateTime now, Change change) {
    return enqueue(UUID.randomUUID().toString(), nodeId, action, args, now, change);
  }

  AgentCommand enqueue(String commandId, String nodeId, String action, JsonObject args, OffsetDateTime now,
      Change change) {
    long seq = lastSeq.merge(nodeId, 1L, Long::sum);
    AgentCommand command = new AgentCommand(commandId, nodeId, seq, action, args, now,
        now.plusNanos(expiryMillis * 1_000_000L), AgentCommand.PENDING, null, null);
    hold(command);
    unstored.add(command.id());
    change.sql(INSERT, "id", command.id(), "nodeId", nodeId, "seq", seq, "action", action, "args", args.encode(),
            "state", command.state(), "createdAt", now, "expiresAt", command.expiresAt())
        .event("command.queued", "node/" + nodeId, summary(command))
        .deliver(command);
    return command;
  }

  /** Records the outcome of a pending command; null when it is not pending (a repeated result). */
  AgentCommand finish(String commandId, String state, JsonObject result, OffsetDateTime now, Change change) {
    AgentCommand pending = pendingById.remove(commandId);
    if (pending == null) {
      return null;
    }
    unstored.remove(commandId);
    TreeMap<Long, AgentCommand> queue = pendingByNode.get(pending.nodeId());
    queue.remove(pending.seq());
    if (queue.isEmpty()) {
      pendingByNode.remove(pending.nodeId());
    }
    AgentCommand finished = pending.finished(state, result, now);
    change.sql(FINISH, "id", commandId, "state", state, "result", result == null ? null : result.encode(),
            "finishedAt", now)
        .event("command." + state.toLowerCase(java.util.Locale.ROOT), "node/" + pending.nodeId(),
            summary(finished).put("result", result))
        .finished(finished);
    return finished;
  }

  /** The command's insert committed: it may be sent. */
  void stored(String commandId) {
    unstored.remove(commandId);
  }

  /** What an agent may be sent: the node's pending commands that are stored, in sequence order. */
  List<AgentCommand> storedPendingFor(String nodeId) {
    TreeMap<Long, AgentCommand> queue = pendingByNode.get(nodeId);
    return queue == null ? List.of()
        : queue.values().stream().filter(command -> !unstored.contains(command.id())).toList();
  }

  AgentCommand pending(String commandId) {
    return pendingById.get(commandId);
  }

  /** The node's commands still waiting for a result, in sequence order. */
  List<AgentCommand> pendingFor(String nodeId) {
    TreeMap<Long, AgentCommand> queue = pendingByNode.get(nodeId);
    return queue == null ? List.of() : List.copyOf(queue.values());
  }

  List<AgentCommand> overdue(OffsetDateTime now) {
    List<AgentCommand> overdue = new ArrayList<>();
    for (AgentCommand command : pendingById.values()) {
      if (!command.expiresAt().isAfter(now)) {
        overdue.add(command);
      }
    }
    return overdue;
  }

  int pendingCount(String nodeId) {
    TreeMap<Long, AgentCommand> queue = pendingByNode.get(nodeId);
    return queue == null ? 0 : queue.size();
  }

  private void hold(AgentCommand command) {
    pendingById.put(command.id(), command);
    pendingByNode.computeIfAbsent(command.nodeId(), k -> new TreeMap<>()).put(command.seq(), command);
  }

  private static JsonObject summary(AgentCommand command) {
    return new JsonObject().put("commandId", command.id()).put("nodeId", command.nodeId()).put("seq", command.seq())
        .put("action", command.action()).put("state", command.state());
  }
}
