package io.rainhub.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.hashing.HashingStrategy;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Salted PBKDF2-HMAC-SHA512 in PHC string format. Deliberately slow, so it runs on worker
 * threads, never on an event loop.
 */
public final class PasswordHasher {

  /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA512. */
  public static final int DEFAULT_ITERATIONS = 210_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final HashingStrategy strategy = HashingStrategy.load();
  private final Map<String, String> params;
  /** Verified against when the username is unknown, so a login costs the same either way. */
  private final String decoy;

  private PasswordHasher(Vertx vertx, int iterations) {
    this.vertx = vertx;
    this.params = Map.of("it", Integer.toString(iterations));
    this.decoy = hashNow("decoy-" + RANDOM.nextLong());
  }

  /** Built on a worker: computing the decoy hash takes as long as any other. */
  public static Future<PasswordHasher> create(Vertx vertx, int iterations) {
    return vertx.executeBlocking(() -> new PasswordHasher(vertx, iterations), false);
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(() -> hashNow(password), false);
  }

  public Future<Boolean> verify(String hash, String password) {
    return vertx.executeBlocking(() -> strategy.verify(hash == null ? decoy : hash, password) && hash != null, false);
  }

  private String hashNow(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return strategy.hash("pbkdf2", params, Base64.getEncoder().withoutPadding().encodeToString(salt), password);
  }
}
