package io.rainhub.hypervisor;

import io.rainhub.store.EventLog;
import io.rainhub.store.NamedSql;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One accepted change: the statements that store it and the events that announce it, committed together. */
final class Change {

  record Statement(NamedSql sql, Object[] values) {
  }

  private final List<Statement> statements = new ArrayList<>();
  private final List<EventLog.Draft> events = new ArrayList<>();
  private final List<AgentCommand> toDeliver = new ArrayList<>();
  private final List<AgentCommand> finished = new ArrayList<>();

  /** {@code params} alternate names and values; values may be null. */
  Change sql(NamedSql sql, Object... params) {
    Map<String, Object> map = new HashMap<>();
    for (int i = 0; i < params.length; i += 2) {
      map.put((String) params[i], params[i + 1]);
    }
    statements.add(new Statement(sql, sql.values(map)));
    return this;
  }

  /** An event about infrastructure (nodes, wiring, commands): no tenant owns it, admins follow it. */
  Change event(String type, String subject, JsonObject payload) {
    return event(type, subject, null, payload);
  }

  /** An event about what {@code tenantId} owns: that tenant's users follow it. */
  Change event(String type, String subject, String tenantId, JsonObject payload) {
    events.add(new EventLog.Draft(type, subject, tenantId, payload));
    return this;
  }

  /**
   * Records {@code actor} as the cause of this change's events (those that name none): the shell
   * knows who asked, the decisions need not.
   */
  Change actedBy(String actor) {
    events.replaceAll(draft -> draft.actedBy(actor));
    return this;
  }

  /** A command to send to its node once this change is committed. */
  Change deliver(AgentCommand command) {
    toDeliver.add(command);
    return this;
  }

  /** A command whose outcome is announced (to a waiting caller) once this change is committed. */
  Change finished(AgentCommand command) {
    finished.add(command);
    return this;
  }

  List<AgentCommand> toDeliver() {
    return toDeliver;
  }

  List<AgentCommand> finished() {
    return finished;
  }

  List<Statement> statements() {
    return statements;
  }

  List<EventLog.Draft> events() {
    return events;
  }

  boolean isEmpty() {
    return statements.isEmpty() && events.isEmpty();
  }
}
