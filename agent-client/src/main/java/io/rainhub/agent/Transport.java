package io.rainhub.agent;

import io.vertx.core.Future;

/** Carries an {@link AgentSession}'s frames to the hub and back, reconnecting as needed. */
public interface Transport {

  /** Starts connecting; call on the session's event loop. */
  void start();

  /** What {@code goodbye} says on a plain stop. */
  String STOPPED = "agent stopped";

  /** Stops reconnecting and closes the connection, saying {@code goodbye} first. */
  default Future<Void> stop() {
    return stop(STOPPED);
  }

  /** As {@link #stop()}, with {@code goodbyeReason} in the {@code goodbye}. */
  Future<Void> stop(String goodbyeReason);
}
