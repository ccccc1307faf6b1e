package io.rainhub.bench;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
}
