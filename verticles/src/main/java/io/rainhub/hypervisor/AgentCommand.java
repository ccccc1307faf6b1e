package io.rainhub.hypervisor;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** One command of a node's outbox, numbered per node. */
public record AgentCommand(String id, String nodeId, long seq, String action, JsonObject args,
    OffsetDateTime createdAt, OffsetDateTime expiresAt, String state, JsonObject result, OffsetDateTime finishedAt) {

  public static final String PENDING = "PENDING";
  public static final String SUCCEEDED = "SUCCEEDED";
  public static final String FAILED = "FAILED";
  public static final String EXPIRED = "EXPIRED";

  AgentCommand finished(String newState, JsonObject newResult, OffsetDateTime at) {
    return new AgentCommand(id, nodeId, seq, action, args, createdAt, expiresAt, newState, newResult, at);
  }

  /** The frame the agent receives. */
  /** The command frame, stamped with the leader's lease epoch: agents refuse frames of an older one. */
  public JsonObject frame(long epoch) {
    return new JsonObject().put("type", "command").put("id", id).put("seq", seq).put("epoch", epoch)
        .put("ts", System.currentTimeMillis())
        .put("body", new JsonObject().put("commandId", id).put("action", action).put("args", args)
            .put("expiresAt", expiresAt.toString()));
  }

  public JsonObject toJson() {
    return new JsonObject().put("commandId", id).put("nodeId", nodeId).put("seq", seq).put("action", action)
        .put("args", args).put("state", state).put("createdAt", createdAt.toString())
        .put("expiresAt", expiresAt.toString()).put("finishedAt", finishedAt == null ? null : finishedAt.toString())
        .put("result", result);
  }
}
