package io.rainhub.workflow;

import io.rainhub.store.EventLog;
import io.rainhub.store.Lease;
import io.rainhub.store.NamedSql;
import io.rainhub.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's writes: fenced by the lease's epoch like the hypervisor's (a deposed leader's write
 * rolls back whole), batched while one transaction is in flight, each acknowledged only once
 * committed. Must be used from the engine's event loop.
 */
final class WorkflowStore {

  static final NamedSql INSERT_TOPOLOGY = NamedSql.of("INSERT INTO topologies (id, tenant_id, name,"
      + " availability_zone, target, spec, state, agent_token, created_at, updated_at) VALUES (#{id}, #{tenantId},"
      + " #{name}, #{zone}, #{target}, #{spec}, #{state}, #{agentToken}, #{now}, #{now})");
  static final NamedSql UPDATE_TOPOLOGY = NamedSql.of("UPDATE topologies SET spec = #{spec}, state = #{state},"
      + " agent_token = #{agentToken}, updated_at = #{now} WHERE id = #{id}");
  static final NamedSql DELETE_TOPOLOGY = NamedSql.of("DELETE FROM topologies WHERE id = #{id}");
  static final NamedSql INSERT_NODE = NamedSql.of("INSERT INTO topology_nodes (id, topology_id, component, name, role,"
      + " position, state, settings, exports, agent_node_id, placement, created_at, updated_at) VALUES (#{id},"
      + " #{topologyId}, #{component}, #{name}, #{role}, #{position}, #{state}, #{settings}, #{exports},"
      + " #{agentNodeId}, #{placement}, #{now}, #{now})");
  static final NamedSql UPDATE_NODE = NamedSql.of("UPDATE topology_nodes SET state = #{state}, exports = #{exports},"
      + " settings = #{settings},"
      + " agent_node_id = #{agentNodeId}, placement = #{placement}, updated_at = #{now} WHERE id = #{id}");
  static final NamedSql DELETE_NODE = NamedSql.of("DELETE FROM topology_nodes WHERE id = #{id}");
  static final NamedSql INSERT_JOB = NamedSql.of("INSERT INTO jobs (id, tenant_id, topology_id, kind, state, plan,"
      + " error, request_id, done_tasks, total_tasks, created_at, started_at, ended_at) VALUES (#{id}, #{tenantId},"
      + " #{topologyId}, #{kind}, #{state}, #{plan}, NULL, #{requestId}, 0, #{total}, #{now}, NULL, NULL)");
  static final NamedSql UPDATE_JOB = NamedSql.of("UPDATE jobs SET state = #{state}, error = #{error},"
      + " done_tasks = #{done}, started_at = #{startedAt}, ended_at = #{endedAt} WHERE id = #{id}");
  static final NamedSql INSERT_TASK = NamedSql.of("INSERT INTO job_tasks (job_id, task_id, state, step, attempts,"
      + " command_id, started_at, ended_at, not_before, exit_code, last_lines, detail) VALUES (#{jobId}, #{taskId},"
      + " 'PENDING', 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
  static final NamedSql UPDATE_TASK = NamedSql.of("UPDATE job_tasks SET state = #{state}, step = #{step},"
      + " attempts = #{attempts}, command_id = #{commandId}, started_at = #{startedAt}, ended_at = #{endedAt},"
      + " not_before = #{notBefore}, exit_code = #{exitCode}, last_lines = #{lastLines}, detail = #{detail}"
      + " WHERE job_id = #{jobId} AND task_id = #{taskId}");

  private record Pending(Writes writes, Promise<Void> done) {
  }

  private final Store store;
  private final long epoch;
  private final java.util.function.Consumer<Throwable> onFailedWrite;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean writing;

  /** {@code onFailedWrite}: memory may now be ahead of the store, so the engine must reload (or step down). */
  WorkflowStore(Store store, long epoch, java.util.function.Consumer<Throwable> onFailedWrite) {
    this.store = store;
    this.epoch = epoch;
    this.onFailedWrite = onFailedWrite;
  }

  Store store() {
    return store;
  }

  Future<Void> write(Writes writes) {
    Promise<Void> done = Promise.promise();
    queue.add(new Pending(writes, done));
    drain();
    return done.future();
  }

  static Writes task(Writes writes, Job job, Task task) {
    return writes.sql(UPDATE_TASK, "jobId", job.id, "taskId", task.id, "state", task.state.name(), "step", task.step,
        "attempts", task.attempts, "commandId", task.commandId, "startedAt", task.startedAt, "endedAt", task.endedAt,
        "notBefore", task.notBefore, "exitCode", task.exitCode,
        "lastLines", new JsonArray(task.lastLines).encode(), "detail", task.detail);
  }

  static Writes job(Writes writes, Job job) {
    return writes.sql(UPDATE_JOB, "id", job.id, "state", job.state.name(),
        "error", job.error == null ? null : job.error.encode(), "done", job.done(), "startedAt", job.startedAt,
        "endedAt", job.endedAt);
  }

  static Writes node(Writes writes, TopologyNode node, long now) {
    return writes.sql(UPDATE_NODE, "id", node.id, "state", node.state.name(), "exports", node.exports.encode(),
        "settings", node.settings.encode(), "agentNodeId", node.agentNodeId, "placement", node.placement == null ? null : node.placement.encode(),
        "now", now);
  }

  static Writes topology(Writes writes, TopologyRecord topology, long now) {
    return writes.sql(UPDATE_TOPOLOGY, "id", topology.id, "spec", topology.specJson().encode(),
        "state", topology.state.name(), "agentToken", topology.agentToken == null ? null : topology.agentToken.encode(),
        "now", now);
  }

  Future<RowSet<Row>> query(String sql, Tuple params) {
    return store.pool().preparedQuery(sql).execute(params);
  }

  private void drain() {
    if (writing || queue.isEmpty()) {
      return;
    }
    writing = true;
    List<Pending> batch = new ArrayList<>();
    while (!queue.isEmpty() && batch.size() < 256) {
      batch.add(queue.poll());
    }
    store.inTransaction(tx -> write(tx, batch)).onComplete(result -> {
      writing = false;
      batch.forEach(pending -> {
        if (result.succeeded()) {
          pending.writes().stored.forEach(Runnable::run);
          pending.done().complete();
        } else {
          pending.done().fail(result.cause());
        }
      });
      if (result.failed()) {
        onFailedWrite.accept(result.cause());
      }
      drain();
    });
  }

  private Future<Void> write(SqlConnection tx, List<Pending> batch) {
    List<Future<?>> writes = new ArrayList<>();
    writes.add(Lease.fence(tx, store.dialect(), epoch));
    List<EventLog.Draft> events = new ArrayList<>();
    for (Pending pending : batch) {
      for (Writes.Statement statement : pending.writes().statements) {
        writes.add(tx.preparedQuery(statement.sql().sql(store.dialect())).execute(Tuple.from(statement.values())));
      }
      events.addAll(pending.writes().events);
    }
    return Future.all(writes).compose(written -> EventLog.appendAll(tx, events, epoch)).mapEmpty();
  }
}
