package io.rainhub.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.auth.hashing.HashingStrategy;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Salted PBKDF2-HMAC-SHA512 in PHC string format. Deliberately slow, so it runs on a small worker
 * pool of its own ({@value #POOL_NAME}), never on an event loop nor on the shared worker pool the
 * database and other blocking work use. Its queue is bounded: when {@code workers + queue} checks
 * are already waiting or running, the next one fails at once with {@link Busy} instead of waiting.
 */
public final class PasswordHasher {

  /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA512. */
  public static final int DEFAULT_ITERATIONS = 210_000;
  public static final int DEFAULT_WORKERS = 2;
  /** Checks waiting for a worker; beyond them a login is answered "busy" at once. */
  public static final int DEFAULT_QUEUE = 8;
  public static final String POOL_NAME = "rainhub-pbkdf2";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** More password work is waiting than the queue holds; the caller should come back shortly. */
  public static final class Busy extends RuntimeException {
    Busy() {
      super("All password workers are busy", null, false, false);
    }
  }

  private final WorkerExecutor pool;
  private final int limit;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final HashingStrategy strategy = HashingStrategy.load();
  private final Map<String, String> params;
  /** Verified against when the username is unknown, so a login costs the same either way. */
  private final String decoy;

  private PasswordHasher(WorkerExecutor pool, int limit, int iterations) {
    this.pool = pool;
    this.limit = limit;
    this.params = Map.of("it", Integer.toString(iterations));
    this.decoy = hashNow("decoy-" + RANDOM.nextLong());
  }

  /** Built on the pool: computing the decoy hash takes as long as any other. */
  public static Future<PasswordHasher> create(Vertx vertx, int iterations, int workers, int queue) {
    WorkerExecutor pool = vertx.createSharedWorkerExecutor(POOL_NAME, workers);
    return pool.executeBlocking(() -> new PasswordHasher(pool, workers + queue, iterations), false)
        .onFailure(failure -> pool.close());
  }

  public Future<String> hash(String password) {
    return bounded(() -> hashNow(password));
  }

  public Future<Boolean> verify(String hash, String password) {
    return bounded(() -> strategy.verify(hash == null ? decoy : hash, password) && hash != null);
  }

  public Future<Void> close() {
    return pool.close();
  }

  private <T> Future<T> bounded(Callable<T> work) {
    if (inFlight.incrementAndGet() > limit) {
      inFlight.decrementAndGet();
      return Future.failedFuture(new Busy());
    }
    return pool.executeBlocking(work, false).onComplete(done -> inFlight.decrementAndGet());
  }

  private String hashNow(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return strategy.hash("pbkdf2", params, Base64.getEncoder().withoutPadding().encodeToString(salt), password);
  }
}
