package io.rainhub.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Sends a batch of requests with a fixed number in flight: each answer sends the next request, so
 * the hub sees a steady load rather than bursts, and every latency is one request's own.
 */
final class RequestDriver {

  static final long PHASE_TIMEOUT_S = 900;

  private RequestDriver() {
  }

  /** Where the first {@code concurrency} requests are sent from. */
  enum Start {
    /** each chain of requests from a context of its own (one {@code runOnContext} per chain) */
    CONTEXT_PER_CHAIN,
    /** every chain from one context: state the callbacks share is then touched from one event loop only */
    ONE_CONTEXT
  }

  /** Called with an answer that has the expected status; what it throws is counted as an error. */
  interface OnExpected {
    void accept(int index, HttpResponse<Buffer> response);
  }

  /**
   * Sends {@code total} requests, {@code concurrency} at a time, and collects statuses, latencies
   * and a few samples of what went wrong; fails after {@link #PHASE_TIMEOUT_S}.
   */
  static RequestBatch drive(Vertx vertx, String what, int total, int concurrency, Start start,
      IntFunction<Future<HttpResponse<Buffer>>> send, int expected, OnExpected onExpected) {
    RequestBatch batch = new RequestBatch(total, expected);
    if (total == 0) {
      return batch;
    }
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    long started = System.nanoTime();
    Runnable[] fire = new Runnable[1];
    fire[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= total) {
        return;
      }
      long sent = System.nanoTime();
      Future<HttpResponse<Buffer>> future;
      try {
        future = send.apply(i);
      } catch (RuntimeException e) {
        future = Future.failedFuture(e);
      }
      future.onComplete(ar -> {
        batch.latencies[i] = System.nanoTime() - sent;
        if (ar.succeeded()) {
          HttpResponse<Buffer> response = ar.result();
          batch.status(response);
          if (response.statusCode() == expected && onExpected != null) {
            try {
              onExpected.accept(i, response);
            } catch (RuntimeException e) {
              batch.error("reading the answer: " + e);
            }
          }
        } else {
          batch.error(String.valueOf(ar.cause()));
        }
        if (finished.incrementAndGet() == total) {
          batch.wallNanos = System.nanoTime() - started;
          done.tryComplete();
        } else {
          fire[0].run();
        }
      });
    };
    int chains = Math.min(concurrency, total);
    if (start == Start.ONE_CONTEXT) {
      vertx.runOnContext(v -> {
        for (int w = 0; w < chains; w++) {
          fire[0].run();
        }
      });
    } else {
      for (int w = 0; w < chains; w++) {
        vertx.runOnContext(v -> fire[0].run());
      }
    }
    try {
      done.future().await(PHASE_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new BenchmarkFailure(what + " did not finish within " + PHASE_TIMEOUT_S + " s (" + finished.get()
          + " of " + total + " answered)");
    }
    return batch;
  }
}
