package io.rainhub.workflow;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a job's start and end do beyond its tasks (a created topology runs, a deleted one is gone),
 * and the reconfigure jobs that follow exporters: when what an importer sees of its imports changed,
 * its running nodes get {@code update.sh}; one whose required import lost its last exporter stops and
 * waits; a waiting one starts again once an exporter returns.
 */
final class JobEffects {

  private final Engine engine;
  private final Set<String> importsDirty = new LinkedHashSet<>();
  /** Delete jobs whose topology's local processes and directory are being removed: each ends once. */
  private final Set<String> forgetting = new java.util.HashSet<>();
  /** What each importer's nodes were last configured with: topology id/component → {@link Imports#view}. */
  private final Map<String, String> lastViews = new HashMap<>();

  JobEffects(Engine engine) {
    this.engine = engine;
  }

  /** Stores a new job with its tasks and starts it. */
  Future<Job> start(Job job, Writes writes, String actor) {
    long now = engine.now();
    job.state = Job.State.RUNNING;
    job.startedAt = now;
    writes.sql(WorkflowStore.INSERT_JOB, "id", job.id, "tenantId", job.tenantId, "topologyId", job.topologyId,
        "kind", job.kind, "state", Job.State.PENDING.name(), "plan", job.planJson().encode(), "requestId",
        job.requestId, "total", job.total(), "now", job.createdAt);
    for (Task task : job.tasks()) {
      writes.sql(WorkflowStore.INSERT_TASK, "jobId", job.id, "taskId", task.id);
    }
    WorkflowStore.job(writes, job);
    writes.event("job.created", "job/" + job.id, job.tenantId, job.summaryJson(), actor);
    return engine.write(writes).map(stored -> {
      engine.jobs.put(job.id, job);
      warmUp(job);
      engine.schedule();
      return job;
    });
  }

  /** The target may start the nodes this job spawns right away (see {@link Target#warmUp}). */
  private void warmUp(Job job) {
    TopologyRecord topology = engine.topologies.get(job.topologyId);
    if (topology == null) {
      return;
    }
    List<TopologyNode> spawning = new java.util.ArrayList<>();
    for (Task task : job.tasks()) {
      TopologyNode node = engine.nodes.get(task.nodeId);
      if (Step.SPAWN.equals(task.currentStep()) && node != null) {
        spawning.add(node);
      }
    }
    engine.target(topology).warmUp(topology, spawning);
  }

  static Job newJob(String tenantId, String topologyId, String kind, String requestId, long now) {
    return new Job(UUID.randomUUID().toString(), tenantId, topologyId, kind, requestId, now);
  }

  /** Every task succeeded: the job's effect on its topology, stored with its end. */
  void succeeded(Job job) {
    TopologyRecord topology = engine.topologies.get(job.topologyId);
    if (topology != null && job.kind.equals("delete")) {
      // The topology (its name with it) stays until its row's DELETE is queued, in the same turn as
      // it leaves memory: a create of that name in between would otherwise pass the in-memory check,
      // have its INSERT written first, hit the unique key and answer 503 instead of 409 or 202.
      if (forgetting.add(job.id)) {
        engine.target(topology).forget(topology).onComplete(forgotten -> {
          forgetting.remove(job.id);
          deleted(job, topology);
        });
      }
      return;
    }
    Writes writes = new Writes();
    if (topology != null && job.kind.equals("create")) {
      topology.state = TopologyRecord.State.RUNNING;
      WorkflowStore.topology(writes, topology, engine.now());
    }
    ended(job, Job.State.SUCCEEDED, writes);
    engine.write(writes).onComplete(done -> engine.schedule());
  }

  private void deleted(Job job, TopologyRecord topology) {
    Writes writes = new Writes();
    engine.topologies.remove(topology.id);
    writes.sql(WorkflowStore.DELETE_TOPOLOGY, "id", topology.id);
    writes.event("topology.deleted", "topology/" + topology.id, topology.tenantId,
        new JsonObject().put("id", topology.id).put("name", topology.spec.name()), null);
    if (topology.agentToken != null) {
      engine.vertx.eventBus().request(io.rainhub.bus.Addresses.IDENTITY_AGENT_TOKEN_REVOKE,
          new JsonObject().put("id", topology.agentToken.getString("id")));
    }
    ended(job, Job.State.SUCCEEDED, writes);
    engine.write(writes).onComplete(done -> engine.schedule());
  }

  /** The job ends as {@code state}; its row and event go with {@code writes}. */
  void ended(Job job, Job.State state, Writes writes) {
    job.state = state;
    job.endedAt = engine.now();
    writes.onStored(() -> job.endStored = true);
    TopologyRecord topology = engine.topologies.get(job.topologyId);
    if (state != Job.State.SUCCEEDED && topology != null && job.kind.equals("create")) {
      topology.state = TopologyRecord.State.FAILED;
      WorkflowStore.topology(writes, topology, engine.now());
    }
    WorkflowStore.job(writes, job);
    writes.event("job." + state.name().toLowerCase(java.util.Locale.ROOT), "job/" + job.id, job.tenantId,
        job.summaryJson(), null);
    importsMayHaveChanged(job.topologyId);
  }

  void importsMayHaveChanged(String topologyId) {
    importsDirty.add(topologyId);
  }

  /** Starts a reconfigure job for each topology whose importers see something new (one at a time). */
  void reconfigureWhereImportsChanged() {
    for (String topologyId : List.copyOf(importsDirty)) {
      TopologyRecord topology = engine.topologies.get(topologyId);
      if (topology == null) {
        importsDirty.remove(topologyId);
        continue;
      }
      boolean reconfiguring = engine.jobs.values().stream().anyMatch(job -> job.topologyId.equals(topologyId)
          && job.kind.equals("reconfigure") && !job.state.ended());
      if (reconfiguring) {
        continue;
      }
      importsDirty.remove(topologyId);
      Map<String, Map<TopologyNode, List<String>>> steps = new LinkedHashMap<>();
      for (var component : topology.spec.components()) {
        if (component.imports().isEmpty()) {
          continue;
        }
        String key = topologyId + "/" + component.name();
        String view = Imports.view(topology, component.name(), engine.nodes.values());
        if (view.equals(lastViews.put(key, view))) {
          continue;
        }
        Map<TopologyNode, List<String>> byNode = new LinkedHashMap<>();
        for (TopologyNode node : engine.nodes.values()) {
          if (!node.topologyId.equals(topologyId) || !node.component.equals(component.name())
              || engine.jobs.values().stream().anyMatch(job -> !job.state.ended() && !job.kind.equals("reconfigure")
                  && job.touches(node.id) && !node.state.equals(TopologyNode.State.RUNNING))) {
            continue;
          }
          boolean resolved = Imports.missing(topology, node, engine.nodes.values()).isEmpty();
          if (node.state == TopologyNode.State.RUNNING) {
            byNode.put(node, resolved ? List.of(Step.script("update"))
                : List.of(Step.script("stop"), Step.WAITING));
          } else if (node.state == TopologyNode.State.WAITING && resolved) {
            byNode.put(node, List.of(Step.script("start"), Step.RUNNING));
          }
        }
        if (!byNode.isEmpty()) {
          steps.put(component.name(), byNode);
        }
      }
      if (!steps.isEmpty()) {
        Job job = Plans.reconfigure(newJob(topology.tenantId, topologyId, "reconfigure", null, engine.now()),
            topology, steps);
        start(job, new Writes(), null);
      }
    }
  }
}
