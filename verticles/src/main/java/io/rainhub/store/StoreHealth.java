package io.rainhub.store;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Whether this process's writes to the store fail, for readiness: the store may answer a ping
 * while refusing every write (a full disk, a read-only volume). Set by the writer when a write
 * fails, cleared when one succeeds again.
 */
public final class StoreHealth {

  private static final String LOCAL_MAP = "rainhub.store-health";
  private static final String WRITE_FAILURE = "writeFailure";

  private StoreHealth() {
  }

  public static void writeFailed(Vertx vertx, Throwable failure) {
    map(vertx).put(WRITE_FAILURE, String.valueOf(failure.getMessage()));
  }

  public static void writeSucceeded(Vertx vertx) {
    map(vertx).remove(WRITE_FAILURE);
  }

  /** Why the last write failed while none succeeded since, or null when writes succeed. */
  public static String writeFailure(Vertx vertx) {
    return map(vertx).get(WRITE_FAILURE);
  }

  private static LocalMap<String, String> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(LOCAL_MAP);
  }
}
