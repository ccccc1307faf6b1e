package io.rainhub.identity;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides whether a login may run its password check, and remembers how the checks went. Three
 * budgets, each free for a few failures, then a penalty of {@code base} doubling per failure up to
 * {@code cap}:
 * <ul>
 *   <li>an account from one source address (3 free): someone guessing one password;</li>
 *   <li>a source address across accounts (20 free): someone spraying passwords over many names;</li>
 *   <li>an account across addresses (30 free, each address counting only its first 3): guessing one
 *       password from many addresses. No single address can lock an account for anyone else.</li>
 * </ul>
 * An attempt is charged when admitted, before its check runs, so parallel guesses cannot slip in
 * together; a success refunds it and clears the account. Refused attempts cost nothing and extend
 * nothing, so every penalty ends at most {@code cap} after the last check. Entries quiet for
 * {@code 15 × cap} are forgotten; each budget holds at most {@link Limits#maxEntries} keys.
 * Not thread-safe: the identity verticle calls it from its event loop.
 */
public final class LoginThrottle {

  /** Budgets and penalties; {@link #of} gives the hub's defaults around a base and a cap. */
  public record Limits(long baseMillis, long capMillis, int pairFree, int sourceFree, int accountFree,
      int maxEntries) {
    public static Limits of(long baseMillis, long capMillis) {
      return new Limits(baseMillis, Math.max(baseMillis, capMillis), 3, 20, 30, 100_000);
    }

    long penalty(int failures, int free) {
      if (failures <= free) {
        return 0;
      }
      int doublings = failures - free - 1;
      return doublings >= 40 ? capMillis : Math.min(capMillis, baseMillis << doublings);
    }

    long forgetAfter() {
      return 15 * capMillis;
    }
  }

  /**
   * The answer to {@link #admit}: admitted (then report {@link #failed}, {@link #succeeded} or
   * {@link #refund}), or refused for {@code retryAfterMillis}.
   */
  public record Admission(String account, String source, long retryAfterMillis, long chargedAt,
      Charge pair, Charge bySource, Charge byAccount) {
    public boolean admitted() {
      return retryAfterMillis == 0;
    }
  }

  /** What admitting changed in one budget, so that a refund can undo it; null where nothing was charged. */
  record Charge(long previousFailureAt) {
  }

  private final Limits limits;
  private final LongSupplier clock;
  private final Budget pairs;
  private final Budget sources;
  private final Budget accounts;

  public LoginThrottle(Limits limits, LongSupplier clockMillis) {
    this.limits = limits;
    this.clock = clockMillis;
    this.pairs = new Budget(limits.pairFree());
    this.sources = new Budget(limits.sourceFree());
    this.accounts = new Budget(limits.accountFree());
  }

  public Admission admit(String account, String source) {
    long now = clock.getAsLong();
    String pair = pairKey(account, source);
    long wait = Math.max(pairs.remaining(pair, now), Math.max(sources.remaining(source, now),
        accounts.remaining(account, now)));
    if (wait > 0) {
      return new Admission(account, source, wait, now, null, null, null);
    }
    Charge pairCharge = pairs.charge(pair, now);
    // Past its free failures an address is the pair budget's business: it cannot lock the account for others.
    Charge accountCharge = pairs.failures(pair) <= limits.pairFree() ? accounts.charge(account, now) : null;
    return new Admission(account, source, 0, now, pairCharge, sources.charge(source, now), accountCharge);
  }

  /** The check failed: the charge stands. */
  public void failed(Admission admission) {
    // nothing to undo
  }

  /** The right password: the account starts afresh; the address keeps its other failures. */
  public void succeeded(Admission admission) {
    pairs.clear(pairKey(admission.account(), admission.source()));
    accounts.clear(admission.account());
    sources.refund(admission.source(), admission.chargedAt(), admission.bySource());
  }

  /** The check did not run (the hub was busy, the store failed): as if the attempt never came. */
  public void refund(Admission admission) {
    if (!admission.admitted()) {
      return;
    }
    pairs.refund(pairKey(admission.account(), admission.source()), admission.chargedAt(), admission.pair());
    sources.refund(admission.source(), admission.chargedAt(), admission.bySource());
    accounts.refund(admission.account(), admission.chargedAt(), admission.byAccount());
  }

  /** Drops entries quiet long enough to be forgotten. */
  public void sweep() {
    long now = clock.getAsLong();
    pairs.sweep(now);
    sources.sweep(now);
    accounts.sweep(now);
  }

  /** Keys remembered, over all budgets. */
  int size() {
    return pairs.entries.size() + sources.entries.size() + accounts.entries.size();
  }

  private static String pairKey(String account, String source) {
    return source + "\u0000" + account;
  }

  private static final class Entry {
    int failures;
    long lastFailureAt;
  }

  /** Failures per key, least recently charged first. */
  private final class Budget {
    private final int free;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > limits.maxEntries();
      }
    };

    Budget(int free) {
      this.free = free;
    }

    long remaining(String key, long now) {
      Entry entry = entries.get(key);
      if (entry == null) {
        return 0;
      }
      if (now - entry.lastFailureAt > limits.forgetAfter()) {
        entries.remove(key);
        return 0;
      }
      return Math.max(0, entry.lastFailureAt + limits.penalty(entry.failures, free) - now);
    }

    int failures(String key) {
      Entry entry = entries.get(key);
      return entry == null ? 0 : entry.failures;
    }

    Charge charge(String key, long now) {
      // Re-inserted, so that the map stays in order of the last charge.
      Entry entry = entries.remove(key);
      entry = entry == null ? new Entry() : entry;
      entries.put(key, entry);
      Charge charge = new Charge(entry.lastFailureAt);
      entry.failures++;
      entry.lastFailureAt = now;
      return charge;
    }

    void refund(String key, long chargedAt, Charge charge) {
      Entry entry = charge == null ? null : entries.get(key);
      if (entry == null) {
        return;
      }
      entry.failures--;
      if (entry.failures <= 0) {
        entries.remove(key);
      } else if (entry.lastFailureAt == chargedAt) {
        entry.lastFailureAt = charge.previousFailureAt();
      }
    }

    void clear(String key) {
      entries.remove(key);
    }

    void sweep(long now) {
      // The least recently charged come first, so stop at the first one still fresh.
      for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
        if (now - it.next().lastFailureAt <= limits.forgetAfter()) {
          return;
        }
        it.remove();
      }
    }
  }
}
