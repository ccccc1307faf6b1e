package io.rainhub.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * The append-only log of accepted changes. Every change writes its event in its own transaction,
 * and sequence numbers follow commit order (see the event_sequence table).
 */
public final class EventLog {

  /** One stored event. */
  public record Event(long seq, String type, String subject, String tenantId, JsonObject payload,
      OffsetDateTime createdAt) {

    public JsonObject toJson() {
      return new JsonObject().put("seq", seq).put("type", type).put("subject", subject)
          .put("tenantId", tenantId).put("payload", payload).put("createdAt", createdAt.toString());
    }

    static Event fromRow(Row row) {
      return new Event(row.getLong("seq"), row.getString("type"), row.getString("subject"),
          row.getString("tenant_id"), new JsonObject(row.getString("payload")),
          row.getOffsetDateTime("created_at"));
    }
  }

  private static final String NEXT_SEQ = "UPDATE event_sequence SET last_seq = last_seq + 1 WHERE id = 1";
  private static final String READ_SEQ = "SELECT last_seq FROM event_sequence WHERE id = 1";
  private static final String INSERT = "INSERT INTO events (seq, type, subject, tenant_id, payload, created_at)"
      + " VALUES (#{seq}, #{type}, #{subject}, #{tenantId}, #{payload}, #{createdAt})";
  private static final String SINCE = "SELECT seq, type, subject, tenant_id, payload, created_at FROM events"
      + " WHERE seq > #{since} ORDER BY seq LIMIT #{limit}";

  private EventLog() {
  }

  /**
   * Appends an event inside the caller's transaction. The sequence row stays locked until that
   * transaction ends, so call this as the transaction's last statement.
   */
  public static Future<Event> append(SqlConnection tx, String type, String subject, String tenantId,
      JsonObject payload) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    return tx.query(NEXT_SEQ).execute()
        .compose(updated -> tx.query(READ_SEQ).execute())
        .compose(rows -> {
          long seq = rows.iterator().next().getLong(0);
          Map<String, Object> params = new HashMap<>();
          params.put("seq", seq);
          params.put("type", type);
          params.put("subject", subject);
          params.put("tenantId", tenantId);
          params.put("payload", payload.encode());
          params.put("createdAt", now);
          return SqlTemplate.forUpdate(tx, INSERT).execute(params)
              .map(done -> new Event(seq, type, subject, tenantId, payload, now));
        });
  }

  /** Events after {@code since}, oldest first. */
  public static Future<List<Event>> since(SqlClient client, long since, int limit) {
    return SqlTemplate.forQuery(client, SINCE)
        .execute(Map.of("since", since, "limit", limit))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(Event::fromRow).toList());
  }
}
