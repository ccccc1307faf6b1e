package io.rainhub.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * The append-only log of accepted changes. Every change writes its event in its own transaction,
 * and sequence numbers follow commit order (see the event_sequence table).
 */
public final class EventLog {

  /**
   * One stored event. {@code tenantId} is the tenant owning what it is about (null for
   * infrastructure, which only admins follow); {@code actor} who caused it: {@code user:<name>},
   * {@code agent:<agent token name>} or {@code hub}.
   */
  public record Event(long seq, String type, String subject, String tenantId, String actor, JsonObject payload,
      OffsetDateTime createdAt) {

    public JsonObject toJson() {
      return new JsonObject().put("seq", seq).put("type", type).put("subject", subject)
          .put("tenantId", tenantId).put("actor", actor).put("payload", payload)
          .put("createdAt", createdAt.toString());
    }

    static Event fromRow(Row row) {
      return new Event(row.getLong("seq"), row.getString("type"), row.getString("subject"),
          row.getString("tenant_id"), row.getString("actor"), new JsonObject(row.getString("payload")),
          row.getOffsetDateTime("created_at"));
    }
  }

  /** What the log records as the actor of a draft that names none: the hub's own decisions. */
  public static final String HUB_ACTOR = "hub";

  /** An event about to be written: the log assigns its sequence number and time. */
  public record Draft(String type, String subject, String tenantId, JsonObject payload, String actor) {

    public Draft(String type, String subject, String tenantId, JsonObject payload) {
      this(type, subject, tenantId, payload, null);
    }

    /** This draft, caused by {@code by} unless it already names its actor. */
    public Draft actedBy(String by) {
      return actor != null ? this : new Draft(type, subject, tenantId, payload, by);
    }
  }

  private static final String ADVANCE_SEQ = "UPDATE event_sequence SET last_seq = last_seq + #{count} WHERE id = 1";
  private static final String READ_SEQ = "SELECT last_seq FROM event_sequence WHERE id = 1";
  private static final String INSERT = "INSERT INTO events (seq, type, subject, tenant_id, actor, payload, created_at,"
      + " epoch) VALUES (#{seq}, #{type}, #{subject}, #{tenantId}, #{actor}, #{payload}, #{createdAt}, #{epoch})";
  private static final String SINCE = "SELECT seq, type, subject, tenant_id, actor, payload, created_at FROM events"
      + " WHERE seq > #{since} ORDER BY seq LIMIT #{limit}";

  private EventLog() {
  }

  /**
   * Appends an event inside the caller's transaction. The sequence row stays locked until that
   * transaction ends, so call this as the transaction's last statement.
   */
  public static Future<Event> append(SqlConnection tx, String type, String subject, String tenantId,
      JsonObject payload) {
    return append(tx, type, subject, tenantId, payload, null);
  }

  /** As {@link #append(SqlConnection, String, String, String, JsonObject)}, caused by {@code actor}. */
  public static Future<Event> append(SqlConnection tx, String type, String subject, String tenantId,
      JsonObject payload, String actor) {
    return appendAll(tx, List.of(new Draft(type, subject, tenantId, payload, actor))).map(events -> events.get(0));
  }

  /** Appends several events, in order, with one sequence update; same locking rule as {@link #append}. */
  public static Future<List<Event>> appendAll(SqlConnection tx, List<Draft> drafts) {
    return appendAll(tx, drafts, null);
  }

  /** As {@link #appendAll(SqlConnection, List)}, recording the lease epoch of the singleton writing them. */
  public static Future<List<Event>> appendAll(SqlConnection tx, List<Draft> drafts, Long epoch) {
    if (drafts.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    return SqlTemplate.forUpdate(tx, ADVANCE_SEQ).execute(Map.of("count", drafts.size()))
        .compose(updated -> tx.query(READ_SEQ).execute())
        .compose(rows -> {
          long first = rows.iterator().next().getLong(0) - drafts.size() + 1;
          List<Event> events = new ArrayList<>(drafts.size());
          List<Map<String, Object>> batch = new ArrayList<>(drafts.size());
          for (int i = 0; i < drafts.size(); i++) {
            Draft draft = drafts.get(i);
            Event event = new Event(first + i, draft.type(), draft.subject(), draft.tenantId(),
                draft.actor() == null ? HUB_ACTOR : draft.actor(), draft.payload(), now);
            events.add(event);
            Map<String, Object> params = new HashMap<>();
            params.put("seq", event.seq());
            params.put("type", event.type());
            params.put("subject", event.subject());
            params.put("tenantId", event.tenantId());
            params.put("actor", event.actor());
            params.put("payload", event.payload().encode());
            params.put("createdAt", now);
            params.put("epoch", epoch);
            batch.add(params);
          }
          return SqlTemplate.forUpdate(tx, INSERT).executeBatch(batch).map(done -> events);
        });
  }

  private static final String BOUNDS = "SELECT (SELECT MIN(seq) FROM events) AS oldest,"
      + " (SELECT last_seq FROM event_sequence WHERE id = 1) AS newest";
  private static final String PRUNE = "DELETE FROM events WHERE created_at < #{cutoff}"
      + " AND seq < (SELECT last_seq FROM event_sequence WHERE id = 1)";

  /** The oldest retained and the newest assigned sequence numbers (oldest is null when none is retained). */
  public record Bounds(Long oldest, long newest) {

    /**
     * True when events after {@code since} were pruned: a reader resuming there would miss some
     * and must re-list instead.
     */
    public boolean gone(long since) {
      if (since >= newest) {
        return false;
      }
      return oldest == null || oldest > since + 1;
    }
  }

  public static Future<Bounds> bounds(SqlClient client) {
    return client.query(BOUNDS).execute().map(rows -> {
      Row row = rows.iterator().next();
      return new Bounds(row.getLong("oldest"), row.getLong("newest"));
    });
  }

  /** Deletes events older than {@code cutoff}, always keeping the newest; returns how many went. */
  public static Future<Integer> prune(Store store, OffsetDateTime cutoff) {
    return store.inTransaction(tx -> SqlTemplate.forUpdate(tx, PRUNE).execute(Map.of("cutoff", cutoff)))
        .map(SqlResult::rowCount);
  }

  /** Events after {@code since}, oldest first. */
  public static Future<List<Event>> since(SqlClient client, long since, int limit) {
    return SqlTemplate.forQuery(client, SINCE)
        .execute(Map.of("since", since, "limit", limit))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(Event::fromRow).toList());
  }
}
