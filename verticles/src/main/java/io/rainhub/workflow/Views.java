package io.rainhub.workflow;

import io.rainhub.bus.BusFailure;
import io.rainhub.bus.Caller;
import io.rainhub.model.ComponentSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** What the API shows of topologies and jobs; jobs that ended before this engine started are read from the store. */
final class Views {

  private Views() {
  }

  static JsonObject topologySummary(Engine engine, TopologyRecord topology) {
    long nodes = engine.nodes.values().stream().filter(node -> node.topologyId.equals(topology.id)).count();
    return new JsonObject().put("id", topology.id).put("name", topology.spec.name())
        .put("availability_zone", topology.spec.availabilityZone()).put("target", topology.spec.target())
        .put("state", topology.state.name()).put("tenantId", topology.tenantId)
        .put("createdAt", Times.iso(topology.createdAt)).put("nodes", nodes);
  }

  static JsonObject topology(Engine engine, TopologyRecord topology) {
    JsonArray components = new JsonArray();
    for (ComponentSpec component : topology.spec.components()) {
      List<JsonObject> nodes = engine.nodes.values().stream()
          .filter(node -> node.topologyId.equals(topology.id) && node.component.equals(component.name()))
          .sorted(java.util.Comparator.comparingInt(node -> node.position)).map(TopologyNode::toJson).toList();
      components.add(component.toJson().put("id", topology.componentIds.get(component.name()))
          .put("nodes", new JsonArray(nodes)));
    }
    String lastJob = engine.jobs.values().stream().filter(job -> job.topologyId.equals(topology.id))
        .reduce((first, second) -> second).map(job -> job.id).orElse(null);
    return topologySummary(engine, topology).put("components", components).put("lastJobId", lastJob);
  }

  static JsonObject topologies(Engine engine, Caller caller, int start, int range) {
    List<JsonObject> items = engine.topologies.values().stream().filter(t -> caller.mayAct(t.tenantId))
        .map(t -> topologySummary(engine, t)).toList();
    return page(items, start, range);
  }

  static Future<JsonObject> job(Engine engine, String jobId, Caller caller) {
    Job job = engine.jobs.get(jobId);
    if (job != null) {
      if (!caller.mayAct(job.tenantId)) {
        return Future.failedFuture(BusFailure.of(404, "No job " + jobId + ".", "id"));
      }
      return Future.succeededFuture(job.toJson());
    }
    return storedJob(engine, jobId, caller);
  }

  /** A job of an earlier run of the engine, rebuilt from its plan and its tasks' rows. */
  static Future<JsonObject> storedJob(Engine engine, String jobId, Caller caller) {
    return JobLoader.load(engine.store, jobId).compose(job -> {
      if (job == null || !caller.mayAct(job.tenantId)) {
        return Future.failedFuture(BusFailure.of(404, "No job " + jobId + ".", "id"));
      }
      return Future.succeededFuture(job.toJson());
    });
  }

  /** Jobs newest first, from the store (every job is there), filtered by topology and state. */
  static Future<JsonObject> jobs(Engine engine, Caller caller, String topologyId, String state, int start, int range) {
    var dialect = engine.store.store().dialect();
    StringBuilder sql = new StringBuilder("SELECT id, tenant_id, topology_id, kind, state, error, done_tasks,"
        + " total_tasks, created_at, started_at, ended_at FROM jobs WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    if (!caller.admin()) {
      params.add(caller.tenantId());
      sql.append(" AND tenant_id = ").append(dialect.placeholder(params.size()));
    }
    if (topologyId != null) {
      params.add(topologyId);
      sql.append(" AND topology_id = ").append(dialect.placeholder(params.size()));
    }
    if (state != null) {
      params.add(state);
      sql.append(" AND state = ").append(dialect.placeholder(params.size()));
    }
    sql.append(" ORDER BY created_at DESC, id");
    return engine.store.query(sql.toString(), Tuple.from(params)).map(rows -> {
      List<JsonObject> items = new ArrayList<>();
      for (Row row : rows) {
        Job live = engine.jobs.get(row.getString("id"));
        items.add(live != null ? live.summaryJson() : new JsonObject().put("id", row.getString("id"))
            .put("kind", row.getString("kind")).put("topologyId", row.getString("topology_id"))
            .put("tenantId", row.getString("tenant_id")).put("state", row.getString("state"))
            .put("createdAt", Times.iso(row.getLong("created_at"))).put("startedAt", Times.iso(row.getLong("started_at")))
            .put("endedAt", Times.iso(row.getLong("ended_at")))
            .put("progress", new JsonObject().put("done", row.getInteger("done_tasks"))
                .put("total", row.getInteger("total_tasks")))
            .put("error", row.getString("error") == null ? null : new JsonObject(row.getString("error"))));
      }
      return page(items, start, range);
    });
  }

  private static JsonObject page(List<JsonObject> items, int start, int range) {
    return new JsonObject().put("total", items.size()).put("start", start).put("range", range)
        .put("items", new JsonArray(items.stream().skip(start).limit(range).toList()));
  }
}
