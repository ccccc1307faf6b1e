package io.rainhub.workflow;

import io.rainhub.store.EventLog;
import io.rainhub.store.NamedSql;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The statements and events of one engine transition, stored together before it takes effect. */
final class Writes {

  record Statement(NamedSql sql, Object[] values) {
  }

  final List<Statement> statements = new ArrayList<>();
  final List<EventLog.Draft> events = new ArrayList<>();
  /** Run once these writes committed: what may only be told after it is stored. */
  final List<Runnable> stored = new ArrayList<>();

  /** {@code params} alternate names and values; values may be null. */
  Writes sql(NamedSql sql, Object... params) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < params.length; i += 2) {
      map.put((String) params[i], params[i + 1]);
    }
    statements.add(new Statement(sql, sql.values(map)));
    return this;
  }

  Writes event(String type, String subject, String tenantId, JsonObject payload, String actor) {
    EventLog.Draft draft = new EventLog.Draft(type, subject, tenantId, payload);
    events.add(actor == null ? draft : draft.actedBy(actor));
    return this;
  }

  Writes onStored(Runnable then) {
    stored.add(then);
    return this;
  }

  boolean isEmpty() {
    return statements.isEmpty() && events.isEmpty();
  }
}
