package io.rainhub.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;

/**
 * The row in the database that says which hub runs the singletons, with an epoch that fences them.
 * Taking the lease adds 1 to the epoch; every write a singleton makes runs {@link #fence} first in
 * its transaction, so once another hub has taken the lease a deposed holder's writes fail instead
 * of applying. Expiry is on the database's clock, so hubs with skewed clocks agree on it.
 *
 * <p>A Hazelcast lock could not do this: the open-source Hazelcast has no fencing token (its CP
 * FencedLock is Enterprise-only from 5.5), and a lock alone lets a paused holder write after losing it.
 */
public final class Lease {

  /** The lease of the hypervisor (and, later, the workflow scheduler and the monitor). */
  public static final String SINGLETONS = "singletons";

  /** Who holds or wants the lease: a cluster node id (or a random id when standalone) and words for people. */
  public record Holder(String id, String info, boolean clustered) {
  }

  /** The row as read now; {@code expiresInMillis} and {@code renewedAgoMillis} are on the database's clock. */
  public record State(String holder, String holderInfo, boolean clustered, long epoch, long renewedAtMillis,
      long renewedAgoMillis, long expiresInMillis) {

    /** Held by someone and not yet expired. */
    public boolean held() {
      return holder != null && expiresInMillis > 0;
    }

    public JsonObject toJson() {
      return new JsonObject().put("holder", holder).put("holderInfo", holderInfo).put("clustered", clustered)
          .put("epoch", epoch).put("renewedAgoMs", renewedAgoMillis).put("expiresInMs", expiresInMillis);
    }
  }

  /** A singleton's write refused because its epoch is no longer the lease's: another hub took over. */
  public static final class Fenced extends RuntimeException {
    private final long epoch;

    public Fenced(long epoch) {
      super("This hub's lease (epoch " + epoch + ") was taken over by another hub; the write was not applied");
      this.epoch = epoch;
    }

    public long epoch() {
      return epoch;
    }
  }

  private static final String NOW = "#NOW#";
  private static final String READ = "SELECT holder, holder_info, clustered, epoch, renewed_at_ms, " + NOW
      + " - renewed_at_ms AS renewed_ago, expires_at_ms - " + NOW + " AS expires_in FROM leases WHERE name = #{name}";
  private static final String ACQUIRE = "UPDATE leases SET holder = #{holder}, holder_info = #{info},"
      + " clustered = #{clustered}, epoch = epoch + 1, renewed_at_ms = " + NOW + ", expires_at_ms = " + NOW
      + " + #{ttl} WHERE name = #{name} AND epoch = #{seenEpoch}"
      + " AND (holder IS NULL OR expires_at_ms < " + NOW + " OR holder = #{deadHolder})";
  private static final String RENEW = "UPDATE leases SET renewed_at_ms = " + NOW + ", expires_at_ms = " + NOW
      + " + #{ttl} WHERE name = #{name} AND holder = #{holder} AND epoch = #{epoch}";
  private static final String RELEASE = "UPDATE leases SET holder = NULL, holder_info = NULL, expires_at_ms = 0"
      + " WHERE name = #{name} AND holder = #{holder} AND epoch = #{epoch}";
  // Run first in a transaction it also locks the row, so no takeover can commit in the middle of it.
  private static final String FENCE = "UPDATE leases SET epoch = epoch WHERE name = #{name} AND epoch = #{epoch}";

  private static final NamedSql FENCE_SQL = NamedSql.of(FENCE);

  private final Store store;
  private final String name;
  private final NamedSql read;
  private final NamedSql acquire;
  private final NamedSql renew;
  private final NamedSql release;

  public Lease(Store store, String name) {
    this.store = store;
    this.name = name;
    String now = store.dialect().nowMillis();
    read = NamedSql.of(READ.replace(NOW, now));
    acquire = NamedSql.of(ACQUIRE.replace(NOW, now));
    renew = NamedSql.of(RENEW.replace(NOW, now));
    release = NamedSql.of(RELEASE.replace(NOW, now));
  }

  public Future<State> read() {
    return store.inTransaction(tx -> run(tx, read, Map.of()).map(rows -> {
      Row row = rows.iterator().next();
      return new State(row.getString(0), row.getString(1), row.getBoolean(2), row.getLong(3), row.getLong(4),
          row.getLong(5), row.getLong(6));
    }));
  }

  /**
   * Takes the lease if, at {@code seen}'s epoch, it is free, expired, or held by {@code deadHolder}
   * (a cluster member known to be gone; null for none).
   *
   * @return the new epoch, or null when the lease was not free after all
   */
  public Future<Long> acquire(Holder me, long ttlMillis, State seen, String deadHolder) {
    Map<String, Object> params = new HashMap<>();
    params.put("holder", me.id());
    params.put("info", me.info());
    params.put("clustered", me.clustered());
    params.put("ttl", ttlMillis);
    params.put("seenEpoch", seen.epoch());
    params.put("deadHolder", deadHolder);
    return store.inTransaction(tx -> run(tx, acquire, params)
        .map(rows -> rows.rowCount() == 1 ? seen.epoch() + 1 : null));
  }

  /** Extends the lease; false when it is no longer this holder's at this epoch. */
  public Future<Boolean> renew(Holder me, long epoch, long ttlMillis) {
    return store.inTransaction(tx -> run(tx, renew, Map.of("holder", me.id(), "epoch", epoch, "ttl", ttlMillis))
        .map(rows -> rows.rowCount() == 1));
  }

  /** Gives the lease up so another hub can take it at once (a clean shutdown). */
  public Future<Void> release(Holder me, long epoch) {
    return store.inTransaction(tx -> run(tx, release, Map.of("holder", me.id(), "epoch", epoch))).mapEmpty();
  }

  /**
   * Fails with {@link Fenced} unless {@code epoch} is still the lease's. Send it before the
   * transaction's other statements: it holds the lease row until the commit.
   */
  public static Future<Void> fence(SqlConnection tx, SqlDialect dialect, long epoch) {
    return tx.preparedQuery(FENCE_SQL.sql(dialect)).execute(Tuple.of(SINGLETONS, epoch))
        .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture() : Future.failedFuture(new Fenced(epoch)));
  }

  private Future<RowSet<Row>> run(SqlConnection tx, NamedSql sql, Map<String, Object> params) {
    Map<String, Object> all = new HashMap<>(params);
    all.put("name", name);
    return tx.preparedQuery(sql.sql(store.dialect())).execute(Tuple.from(sql.values(all)));
  }
}
