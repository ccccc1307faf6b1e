package io.rainhub.agent;

import io.vertx.core.json.JsonObject;

/** The {@code metrics} object of the next heartbeat. Called on the event loop: must not block. */
@FunctionalInterface
public interface MetricsSource {

  JsonObject current();
}
