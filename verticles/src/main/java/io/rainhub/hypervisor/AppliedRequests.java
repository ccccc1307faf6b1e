package io.rainhub.hypervisor;

import io.rainhub.store.NamedSql;
import io.rainhub.store.SqlDialect;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The mutating requests the hypervisor applied, by request id, with their first answer. A hub whose
 * request to a leader got no answer (the leader died, or a takeover happened) sends it again with
 * the same id; so may a client repeating its {@code X-Request-Id}. Stored in the transaction of the
 * change it caused and loaded at takeover, so a retry at the next leader is answered, not re-applied.
 * A repeated id whose request differs (another address or body) is decided afresh and not recorded.
 */
final class AppliedRequests {

  /** How long an answer is kept: far longer than any retry, short enough to keep the table small. */
  static final long KEEP_MILLIS = 10 * 60_000L;

  static final NamedSql INSERT = NamedSql.of("INSERT INTO applied_requests (request_id, fingerprint, reply,"
      + " applied_at_ms) VALUES (#{requestId}, #{fingerprint}, #{reply}, #{at})");
  static final NamedSql PRUNE = NamedSql.of("DELETE FROM applied_requests WHERE applied_at_ms < #{cutoff}");
  private static final NamedSql LOAD = NamedSql.of(
      "SELECT request_id, fingerprint, reply, applied_at_ms FROM applied_requests WHERE applied_at_ms >= #{since}");

  private record Entry(String fingerprint, Future<JsonObject> reply, long atMillis) {
  }

  private final Map<String, Entry> byId = new HashMap<>();

  static Future<AppliedRequests> load(Pool pool, SqlDialect dialect, long nowMillis) {
    return pool.preparedQuery(LOAD.sql(dialect)).execute(Tuple.of(nowMillis - KEEP_MILLIS)).map(rows -> {
      AppliedRequests applied = new AppliedRequests();
      for (Row row : rows) {
        applied.byId.put(row.getString(0), new Entry(row.getString(1),
            Future.succeededFuture(new JsonObject(row.getString(2))), row.getLong(3)));
      }
      return applied;
    });
  }

  /** What identifies the request besides its id: the address and the body. */
  static String fingerprint(String address, JsonObject body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((address + '\n' + body.encode()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** The first answer to this very request (in flight or stored), or null if it is new. */
  Future<JsonObject> firstAnswer(String requestId, String fingerprint) {
    Entry entry = byId.get(requestId);
    return entry != null && entry.fingerprint().equals(fingerprint) ? entry.reply() : null;
  }

  /** True when the id was used before, by this request or another. */
  boolean known(String requestId) {
    return byId.containsKey(requestId);
  }

  /** Remembers an answer being stored; forgotten again if storing fails, so a retry applies it. */
  void remember(String requestId, String fingerprint, Future<JsonObject> reply, long nowMillis) {
    Entry entry = new Entry(fingerprint, reply, nowMillis);
    byId.put(requestId, entry);
    reply.onFailure(failure -> byId.remove(requestId, entry));
  }

  /** Forgets answers older than {@link #KEEP_MILLIS}; the change deletes their rows. */
  Change prune(long nowMillis) {
    long cutoff = nowMillis - KEEP_MILLIS;
    byId.values().removeIf(entry -> entry.atMillis() < cutoff);
    // Always: rows a previous leader stored past the window were never loaded into memory.
    return new Change().sql(PRUNE, "cutoff", cutoff);
  }

  int size() {
    return byId.size();
  }
}
