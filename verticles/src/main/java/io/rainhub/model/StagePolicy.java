package io.rainhub.model;

/** How long a recipe script may run and how often it is retried (from a recipe's {@code stages}). */
public record StagePolicy(long timeoutMs, int retries, long backoffMs) {

  /** What applies when a recipe says nothing. */
  public static final StagePolicy BUILT_IN = new StagePolicy(60_000, 0, 1_000);

  public StagePolicy {
    if (timeoutMs <= 0 || retries < 0 || backoffMs < 0) {
      throw new IllegalArgumentException("timeoutMs must be positive, retries and backoffMs not negative");
    }
  }
}
