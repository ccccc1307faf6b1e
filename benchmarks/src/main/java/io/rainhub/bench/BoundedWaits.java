package io.rainhub.bench;

import static io.rainhub.bench.Progress.say;

import io.vertx.core.Future;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Every wait of the benchmarks has a time limit: a hub that stops answering ends the run, not hangs it. */
final class BoundedWaits {

  private BoundedWaits() {
  }

  /** A request's answer: a little longer than the request's own timeout, so that one fires first. */
  static <T> T await(Future<T> future, String what) {
    return await(future, what, HubClient.REQUEST_TIMEOUT_MS / 1000 + 5);
  }

  static <T> T await(Future<T> future, String what, long timeoutS) {
    try {
      return future.await(timeoutS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new BenchmarkFailure(what + " got no answer within " + timeoutS + " s");
    } catch (BenchmarkFailure e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BenchmarkFailure(what + " failed: " + e);
    }
  }

  /** Waits for {@code future}, printing progress every 5 s; returns at completion or after {@code timeoutS}. */
  static void waitFor(Future<?> future, long timeoutS, String what, Supplier<String> progress) {
    long started = System.nanoTime();
    long deadline = started + TimeUnit.SECONDS.toNanos(timeoutS);
    long nextReport = started + TimeUnit.SECONDS.toNanos(5);
    while (!future.isComplete() && System.nanoTime() < deadline) {
      sleep(100);
      if (System.nanoTime() >= nextReport && !future.isComplete()) {
        say(String.format(Locale.ROOT, "   %s: %.0f s: %s", what, (System.nanoTime() - started) / 1e9, progress.get()));
        nextReport += TimeUnit.SECONDS.toNanos(5);
      }
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkFailure("interrupted");
    }
  }
}
