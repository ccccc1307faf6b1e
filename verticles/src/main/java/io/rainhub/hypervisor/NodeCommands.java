package io.rainhub.hypervisor;

import io.vertx.core.json.JsonObject;

/**
 * What decisions tell nodes' agents: a command queued in the node's outbox, stored with the change
 * that caused it and sent once that change committed.
 */
final class NodeCommands {

  private final CloudState state;
  private final Outbox outbox;
  private final TimeSource time;

  NodeCommands(CloudState state, Outbox outbox, TimeSource time) {
    this.state = state;
    this.outbox = outbox;
    this.time = time;
  }

  /**
   * Queues a command for the node's agent. Nodes without an agent (REST only) and nodes that are
   * gone (LOST, EXPIRED, LEFT) get none: null.
   */
  AgentCommand command(String nodeId, String action, JsonObject args, Change change) {
    if (state.agentNode(nodeId) == null) {
      return null;
    }
    if (state.nodeState(nodeId).gone()) {
      return null;
    }
    return outbox.enqueue(nodeId, action, args, time.now(), change);
  }

  /** A command asked for over the API (request-reply): queued even while the node is offline. */
  AgentCommand request(String commandId, String nodeId, String action, JsonObject args, Change change) {
    return outbox.enqueue(commandId, nodeId, action, args, time.now(), change);
  }
}
