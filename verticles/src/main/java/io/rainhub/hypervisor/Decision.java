package io.rainhub.hypervisor;

import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * What a decision changed and how to answer once that is stored. The answer is computed after the
 * commit, from the maps as they are then, as a reply to the request that caused the change.
 */
record Decision(Change change, Supplier<JsonObject> reply) {

  /** A decision that changed nothing: answered as it is. */
  static Decision answer(JsonObject reply) {
    return new Decision(new Change(), () -> reply);
  }

  static Decision of(Change change, Supplier<JsonObject> reply) {
    return new Decision(change, reply);
  }

  /** Nothing to store: what a repeated or idle request decides. */
  boolean changedNothing() {
    return change.isEmpty();
  }
}
