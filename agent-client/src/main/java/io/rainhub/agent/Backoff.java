package io.rainhub.agent;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the n-th delay in a row is uniform in
 * [0, min(cap, base·2ⁿ)], so thousands of agents that lost the same hub come back spread out
 * instead of all at once. {@link #reset()} after a success.
 */
public final class Backoff {

  private final long baseMs;
  private final long capMs;
  private int attempt;

  public Backoff(long baseMs, long capMs) {
    this.baseMs = baseMs;
    this.capMs = capMs;
  }

  /** The agent's reconnect policy: 250 ms doubling up to 15 s. */
  public static Backoff forReconnects() {
    return new Backoff(250, 15_000);
  }

  public long nextDelayMs() {
    return nextDelayMs(0);
  }

  /**
   * As {@link #nextDelayMs()}, never above {@code hubMaxMs} when it is positive: the longest wait the
   * hub's welcome said it allows for before a node that went quiet counts as gone.
   */
  public long nextDelayMs(long hubMaxMs) {
    long cap = hubMaxMs > 0 ? Math.min(capMs, hubMaxMs) : capMs;
    long ceiling = attempt >= 30 ? cap : Math.min(cap, baseMs << attempt);
    attempt++;
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  public void reset() {
    attempt = 0;
  }
}
