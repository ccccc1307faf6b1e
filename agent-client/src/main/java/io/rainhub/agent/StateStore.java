package io.rainhub.agent;

import io.vertx.core.Future;

/** Where an agent keeps its {@link AgentState}; the future completes once the state is durable. */
@FunctionalInterface
public interface StateStore {

  /** Takes a snapshot of {@code state} at once; the caller may go on changing it. */
  Future<Void> save(AgentState state);

  /** Keeps nothing beyond the process: simulated agents. */
  static StateStore inMemory() {
    return state -> Future.succeededFuture();
  }
}
