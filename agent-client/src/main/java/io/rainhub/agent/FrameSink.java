package io.rainhub.agent;

import io.vertx.core.json.JsonObject;

/** Where a session's frames go: one WebSocket, or the HTTP fallback's endpoints. */
@FunctionalInterface
public interface FrameSink {

  void send(JsonObject frame);
}
