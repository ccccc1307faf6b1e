package io.rainhub.workflow;

import io.rainhub.model.Topology;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the engine's state back from the store: at takeover, everything not ended; on demand, one old job. */
final class JobLoader {

  private JobLoader() {
  }

  /** Topologies, their nodes and every job not ended, into {@code engine}. */
  static Future<Void> loadInto(Engine engine) {
    WorkflowStore store = engine.store;
    return store.query("SELECT * FROM topologies ORDER BY created_at, id", Tuple.tuple()).compose(rows -> {
      for (Row row : rows) {
        JsonObject spec = new JsonObject(row.getString("spec"));
        Map<String, String> componentIds = new LinkedHashMap<>();
        spec.getJsonObject("componentIds").forEach(e -> componentIds.put(e.getKey(), (String) e.getValue()));
        String token = row.getString("agent_token");
        TopologyRecord topology = new TopologyRecord(row.getString("id"), row.getString("tenant_id"),
            Topology.fromJson(spec.getJsonObject("topology")), componentIds,
            TopologyRecord.State.valueOf(row.getString("state")), token == null ? null : new JsonObject(token),
            row.getLong("created_at"), row.getLong("updated_at"));
        spec.getJsonObject("nextPositions", new JsonObject())
            .forEach(e -> topology.nextPositions.put(e.getKey(), ((Number) e.getValue()).intValue()));
        engine.topologies.put(topology.id, topology);
      }
      return store.query("SELECT * FROM topology_nodes ORDER BY created_at, position, id", Tuple.tuple());
    }).compose(rows -> {
      for (Row row : rows) {
        String placement = row.getString("placement");
        TopologyNode node = new TopologyNode(row.getString("id"), row.getString("topology_id"),
            row.getString("component"), row.getString("name"), row.getString("role"), row.getInteger("position"),
            TopologyNode.State.valueOf(row.getString("state")), new JsonObject(row.getString("settings")),
            new JsonObject(row.getString("exports")), row.getString("agent_node_id"),
            placement == null ? null : new JsonObject(placement), row.getLong("created_at"), row.getLong("updated_at"));
        engine.nodes.put(node.id, node);
      }
      return store.query("SELECT * FROM jobs WHERE state IN ('PENDING', 'RUNNING') ORDER BY created_at, id",
          Tuple.tuple());
    }).compose(rows -> {
      List<Future<Job>> loaded = new ArrayList<>();
      for (Row row : rows) {
        Job job = fromRow(row);
        loaded.add(applyTasks(store, job));
      }
      return Future.all(loaded).map(all -> {
        for (Future<Job> job : loaded) {
          engine.jobs.put(job.result().id, job.result());
        }
        return null;
      });
    });
  }

  static Future<Job> load(WorkflowStore store, String jobId) {
    return store.query("SELECT * FROM jobs WHERE id = " + store.store().dialect().placeholder(1), Tuple.of(jobId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(null)
            : applyTasks(store, fromRow(rows.iterator().next())));
  }

  private static Job fromRow(Row row) {
    Job job = new Job(row.getString("id"), row.getString("tenant_id"), row.getString("topology_id"),
        row.getString("kind"), row.getString("request_id"), row.getLong("created_at"));
    Job.fromPlan(job, new JsonObject(row.getString("plan")));
    job.state = Job.State.valueOf(row.getString("state"));
    job.startedAt = row.getLong("started_at");
    job.endedAt = row.getLong("ended_at");
    job.error = row.getString("error") == null ? null : new JsonObject(row.getString("error"));
    job.endStored = job.state.ended();
    return job;
  }

  private static Future<Job> applyTasks(WorkflowStore store, Job job) {
    return store.query("SELECT * FROM job_tasks WHERE job_id = " + store.store().dialect().placeholder(1),
        Tuple.of(job.id)).map(rows -> {
          for (Row row : rows) {
            Task task = job.task(row.getString("task_id"));
            if (task == null) {
              continue;
            }
            task.state = Task.State.valueOf(row.getString("state"));
            task.step = row.getInteger("step");
            task.attempts = row.getInteger("attempts");
            task.commandId = row.getString("command_id");
            task.startedAt = row.getLong("started_at");
            task.endedAt = row.getLong("ended_at");
            task.notBefore = row.getLong("not_before");
            task.exitCode = row.getInteger("exit_code");
            String lines = row.getString("last_lines");
            task.lastLines = lines == null ? List.of() : Engine.lines(new JsonArray(lines));
            task.detail = row.getString("detail");
          }
          return job;
        });
  }
}
