package io.rainhub.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hubs of one cluster an agent may use, in the order given ({@code --hub h1,h2}). The hubs
 * share the database, so the agent's session (node id, hello with its instances) resumes on any
 * of them. All use the same TLS choice: one client serves them all.
 */
public record HubEndpoints(List<HubEndpoint> all) {

  /** The pause before trying the next hub of a round, at most: spreads agents that left the same hub. */
  static final long FAILOVER_JITTER_MS = 250;

  public HubEndpoints {
    all = List.copyOf(all);
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no hub given");
    }
    if (all.stream().map(HubEndpoint::ssl).distinct().count() > 1) {
      throw new IllegalArgumentException("the hubs must all use TLS (wss://, https://) or none (ws://, http://): "
          + all.stream().map(HubEndpoint::webSocketUri).toList());
    }
  }

  public static HubEndpoints of(HubEndpoint hub) {
    return new HubEndpoints(List.of(hub));
  }

  /**
   * Each value is one hub URI or several separated by commas, e.g. {@code ws://h1:8080,ws://h2:8080}.
   *
   * @throws IllegalArgumentException naming the URI that is not a hub's, or saying that TLS is mixed
   */
  public static HubEndpoints parse(List<String> values) {
    List<HubEndpoint> hubs = new ArrayList<>();
    for (String value : values) {
      for (String uri : value.split(",")) {
        if (!uri.isBlank()) {
          hubs.add(HubEndpoint.parse(uri.strip()));
        }
      }
    }
    return new HubEndpoints(hubs);
  }

  public static HubEndpoints parse(String values) {
    return parse(List.of(values));
  }

  public boolean ssl() {
    return all.get(0).ssl();
  }

  public int size() {
    return all.size();
  }

  /** A cursor that starts at hub {@code start} mod the count: simulated agent i uses hub i mod n. */
  public Cursor cursor(int start) {
    return new Cursor(Math.floorMod(start, all.size()));
  }

  /**
   * The hub one transport uses now, and where it goes when that one fails. Not thread-safe: one per
   * transport, used on its event loop.
   */
  public final class Cursor {

    private int current;
    /** Hubs that failed in a row since the last welcome or the last full round. */
    private int failedInRound;

    private Cursor(int start) {
      this.current = start;
    }

    public HubEndpoint current() {
      return all.get(current);
    }

    public int size() {
      return all.size();
    }

    /** The hub welcomed the agent: a later failure starts a new round. */
    public void welcomed() {
      failedInRound = 0;
    }

    /**
     * The connection to {@link #current()} closed, could not open or brought no welcome: moves to the
     * next hub and answers how long to wait before trying it. The backoff counts full rounds, not
     * attempts: the next hub of a round is tried after a short jitter, so a dead hub costs one failed
     * connect, not a backoff of up to 15 s, while an outage of every hub still backs off, round after
     * round, as a single hub does (with one hub every failure ends a round: the behaviour is unchanged).
     */
    public long failed(Backoff backoff, long hubMaxMs) {
      current = (current + 1) % all.size();
      if (++failedInRound < all.size()) {
        return 1 + ThreadLocalRandom.current().nextLong(FAILOVER_JITTER_MS);
      }
      failedInRound = 0;
      return Math.max(1, backoff.nextDelayMs(hubMaxMs));
    }
  }
}
