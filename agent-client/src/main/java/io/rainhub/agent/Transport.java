package io.rainhub.agent;

import io.vertx.core.Future;

/** Carries an {@link AgentSession}'s frames to the hub and back, reconnecting as needed. */
public interface Transport {

  /** Starts connecting; call on the session's event loop. */
  void start();

  /** Stops reconnecting and closes the connection. */
  Future<Void> stop();
}
