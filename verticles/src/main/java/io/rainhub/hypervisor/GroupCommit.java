package io.rainhub.hypervisor;

import io.rainhub.store.EventLog;
import io.rainhub.store.Lease;
import io.rainhub.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes changes in as few transactions as possible without delaying any: while one transaction is
 * in flight, new changes queue; when it commits, everything queued goes in the next one. Each
 * change's future completes only after the transaction holding it committed, so nothing is
 * acknowledged before it is stored. Must be used from one event loop.
 */
final class GroupCommit {

  private record Pending(Change change, Promise<Void> done) {
  }

  private final Store store;
  private final long epoch;
  private final int maxBatch;
  private final Consumer<Throwable> onFailedBatch;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean writing;
  /** The latest change submitted: changes commit in order, so when it is done all before it are. */
  private Future<Void> latest = Future.succeededFuture();

  /** {@code onFailedBatch} runs after a batch failed and its changes were answered with the failure. */
  GroupCommit(Store store, long epoch, int maxBatch, Consumer<Throwable> onFailedBatch) {
    this.store = store;
    this.epoch = epoch;
    this.maxBatch = maxBatch;
    this.onFailedBatch = onFailedBatch;
  }

  Future<Void> submit(Change change) {
    Promise<Void> done = Promise.promise();
    queue.add(new Pending(change, done));
    latest = done.future();
    drain();
    return done.future();
  }

  /**
   * Completes once every change submitted so far is stored, or fails if the last of them failed:
   * what a read computed from memory may be answered with only then.
   */
  Future<Void> barrier() {
    // Once settled there is nothing to wait for: after a failure the hypervisor reloads from the store.
    return latest.isComplete() ? Future.succeededFuture() : latest;
  }

  boolean idle() {
    return !writing && queue.isEmpty();
  }

  private void drain() {
    if (writing || queue.isEmpty()) {
      return;
    }
    writing = true;
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    while (!queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(queue.poll());
    }
    store.inTransaction(tx -> write(tx, batch)).onComplete(result -> {
      writing = false;
      if (result.succeeded()) {
        batch.forEach(pending -> pending.done().complete());
      } else {
        batch.forEach(pending -> pending.done().fail(result.cause()));
        onFailedBatch.accept(result.cause());
      }
      drain();
    });
  }

  /**
   * Statements are sent without waiting for each other: the connection keeps their order. The fence
   * goes first, so a batch of a hub whose lease was taken over fails and rolls back whole.
   */
  private Future<Void> write(SqlConnection tx, List<Pending> batch) {
    List<Future<?>> writes = new ArrayList<>();
    writes.add(Lease.fence(tx, store.dialect(), epoch));
    List<EventLog.Draft> events = new ArrayList<>();
    for (Pending pending : batch) {
      for (Change.Statement statement : pending.change().statements()) {
        writes.add(tx.preparedQuery(statement.sql().sql(store.dialect())).execute(Tuple.from(statement.values())));
      }
      events.addAll(pending.change().events());
    }
    return Future.all(writes).compose(written -> EventLog.appendAll(tx, events, epoch)).mapEmpty();
  }
}
