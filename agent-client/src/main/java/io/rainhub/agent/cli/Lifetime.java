package io.rainhub.agent.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * How long a rain-agent process lives: until the JVM is asked to stop (SIGTERM, Ctrl-C), or until
 * its agents are done on their own (every node left its topology), whichever comes first.
 */
final class Lifetime {

  private static final long SHUTDOWN_TIMEOUT_SECONDS = 10;

  private Lifetime() {
  }

  /**
   * Blocks until the JVM is asked to stop, then runs {@code stop} and closes Vert.x; or until
   * {@code finished} completes, then closes Vert.x. Stopping first keeps reconnect and ramp timers
   * from using clients Vert.x already closed.
   *
   * @return true when {@code finished} ended it, false when the JVM is shutting down
   */
  static boolean await(Vertx vertx, Supplier<Future<?>> stop, Future<?> finished) throws InterruptedException {
    CountDownLatch ended = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      // Each step is awaited from this thread with a bound: a completion dispatched to an event
      // loop that Vert.x is closing never runs, and the JVM must exit anyway.
      try {
        if (stopping.compareAndSet(false, true)) {
          awaitBounded(stop.get());
          awaitBounded(vertx.close());
        }
      } finally {
        ended.countDown();
      }
    }, "rain-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    finished.onComplete(done -> ended.countDown());
    ended.await();
    if (!stopping.compareAndSet(false, true)) {
      return false;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook may run now; it finds the agents done and does nothing
    }
    awaitBounded(vertx.close());
    return true;
  }

  private static void awaitBounded(Future<?> step) {
    try {
      step.toCompletionStage().toCompletableFuture().get(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException notClean) {
      // stopping anyway: the state directory is written atomically, so nothing is half-stored
    }
  }
}
