package io.rainhub.workflow;

import io.rainhub.bus.BusFailure;
import io.rainhub.bus.Caller;
import io.rainhub.model.ComponentSpec;
import io.rainhub.model.NodeGroup;
import io.rainhub.model.Topology;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The operations of the topology API, each a job: checks who may do it and whether the topology is
 * free, builds the job's plan and starts it. Another tenant's topology, component, node or job is
 * answered exactly as a missing one (404).
 */
final class Operations {

  private final Engine engine;

  Operations(Engine engine) {
    this.engine = engine;
  }

  Future<JsonObject> create(Topology spec, Caller caller, String requestId) {
    String tenantId = caller.tenantId();
    boolean taken = engine.topologies.values().stream().anyMatch(t -> t.tenantId.equals(tenantId)
        && t.spec.name().equals(spec.name()) && t.spec.availabilityZone().equals(spec.availabilityZone()));
    if (taken) {
      return Future.failedFuture(BusFailure.of(409, "Your tenant already has a topology " + spec.name() + " in "
          + spec.availabilityZone() + "; delete it or choose another name.", "name"));
    }
    long now = engine.now();
    String id = UUID.randomUUID().toString();
    Map<String, String> componentIds = new LinkedHashMap<>();
    spec.components().forEach(component -> componentIds.put(component.name(), UUID.randomUUID().toString()));
    TopologyRecord topology = new TopologyRecord(id, tenantId, spec, componentIds, TopologyRecord.State.CREATING,
        null, now, now);
    Writes writes = new Writes().sql(WorkflowStore.INSERT_TOPOLOGY, "id", id, "tenantId", tenantId,
        "name", spec.name(), "zone", spec.availabilityZone(), "target", spec.target(),
        "spec", topology.specJson().encode(), "state", topology.state.name(), "agentToken", null, "now", now);
    List<TopologyNode> created = new ArrayList<>();
    for (ComponentSpec component : spec.components()) {
      for (NodeGroup group : component.groups()) {
        for (int n = 0; n < group.size(); n++) {
          created.add(newNode(topology, component.name(), group.name(), group.role(), group.settings(), now));
        }
      }
    }
    writes.sql(WorkflowStore.UPDATE_TOPOLOGY, "id", id, "spec", topology.specJson().encode(), "state",
        topology.state.name(), "agentToken", null, "now", now);
    created.forEach(node -> insert(writes, node, now));
    writes.event("topology.created", "topology/" + id, tenantId, new JsonObject().put("id", id)
        .put("name", spec.name()).put("availability_zone", spec.availabilityZone()), caller.actor());
    Job job = Plans.create(JobEffects.newJob(tenantId, id, "create", requestId, now), topology,
        Plans.byComponent(created));
    engine.topologies.put(id, topology);
    created.forEach(node -> engine.nodes.put(node.id, node));
    return engine.effects.start(job, writes, caller.actor())
        .map(started -> new JsonObject().put("id", id).put("jobId", job.id)
            .put("topology", Views.topology(engine, topology)))
        .onFailure(failed -> {
          engine.topologies.remove(id);
          created.forEach(node -> engine.nodes.remove(node.id));
        });
  }

  Future<JsonObject> delete(String topologyId, Caller caller, String requestId) {
    TopologyRecord topology = topology(topologyId, caller);
    // A deletion that failed may be asked for again; only a running job stands in the way.
    refuseWhileRunning(topology);
    topology.state = TopologyRecord.State.DELETING;
    Writes writes = WorkflowStore.topology(new Writes(), topology, engine.now());
    Job job = Plans.delete(JobEffects.newJob(topology.tenantId, topology.id, "delete", requestId, engine.now()),
        topology, Plans.byComponent(nodesOf(topology)));
    return engine.effects.start(job, writes, caller.actor()).map(started -> new JsonObject().put("jobId", job.id));
  }

  Future<JsonObject> flexUp(String componentId, int count, String role, Caller caller, String requestId) {
    TopologyRecord topology = topologyOfComponent(componentId, caller);
    refuseWhileBusy(topology);
    String component = topology.componentName(componentId);
    ComponentSpec spec = topology.component(component);
    NodeGroup group = spec.groups().stream().filter(g -> role == null || g.role().equals(role)).findFirst()
        .orElseThrow(() -> BusFailure.of(400, "Component " + component + " has no role " + role + "; its roles: "
            + spec.groups().stream().map(NodeGroup::role).toList() + ".", "role"));
    long now = engine.now();
    List<TopologyNode> added = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      added.add(newNode(topology, component, group.name(), group.role(), group.settings(), now));
    }
    Writes writes = WorkflowStore.topology(new Writes(), topology, now);
    added.forEach(node -> insert(writes, node, now));
    Job job = Plans.flexUp(JobEffects.newJob(topology.tenantId, topology.id, "flex-up", requestId, now), topology,
        component, added);
    added.forEach(node -> engine.nodes.put(node.id, node));
    return engine.effects.start(job, writes, caller.actor()).map(started -> new JsonObject().put("jobId", job.id)
        .put("nodes", new JsonArray(added.stream().map(n -> n.id).toList())));
  }

  Future<JsonObject> flexDown(String nodeId, Caller caller, String requestId) {
    TopologyNode node = node(nodeId, caller);
    TopologyRecord topology = engine.topologies.get(node.topologyId);
    refuseWhileBusy(topology);
    Job job = Plans.flexDown(JobEffects.newJob(topology.tenantId, topology.id, "flex-down", requestId,
        engine.now()), topology, node);
    return engine.effects.start(job, new Writes(), caller.actor()).map(started -> new JsonObject().put("jobId", job.id));
  }

  Future<JsonObject> replace(String nodeId, Caller caller, String requestId) {
    TopologyNode old = node(nodeId, caller);
    TopologyRecord topology = engine.topologies.get(old.topologyId);
    refuseWhileBusy(topology);
    long now = engine.now();
    String group = topology.component(old.component).groups().stream().filter(g -> g.role().equals(old.role))
        .map(NodeGroup::name).findFirst().orElse(old.component);
    TopologyNode replacement = newNode(topology, old.component, group, old.role, old.settings.copy(), now);
    Writes writes = WorkflowStore.topology(new Writes(), topology, now);
    insert(writes, replacement, now);
    Job job = Plans.replace(JobEffects.newJob(topology.tenantId, topology.id, "replace", requestId, now), topology,
        old, replacement);
    engine.nodes.put(replacement.id, replacement);
    return engine.effects.start(job, writes, caller.actor()).map(started -> new JsonObject().put("jobId", job.id)
        .put("node", replacement.id));
  }

  /** {@code action}: start, stop or restart the node's service. */
  Future<JsonObject> services(String nodeId, String action, Caller caller, String requestId) {
    TopologyNode node = node(nodeId, caller);
    TopologyRecord topology = engine.topologies.get(node.topologyId);
    refuseWhileBusy(topology);
    return onNodes(topology, "service-" + action, List.of("service-" + action), List.of(node), caller, requestId);
  }

  Future<JsonObject> status(String componentId, Caller caller, String requestId) {
    TopologyRecord topology = topologyOfComponent(componentId, caller);
    refuseWhileBusy(topology);
    return onNodes(topology, "status", List.of("status"), nodesOfComponent(topology, componentId), caller, requestId);
  }

  Future<JsonObject> settings(String componentId, JsonObject settings, Caller caller, String requestId) {
    TopologyRecord topology = topologyOfComponent(componentId, caller);
    refuseWhileBusy(topology);
    String component = topology.componentName(componentId);
    List<TopologyNode> nodes = nodesOfComponent(topology, componentId);
    topology.spec = topology.spec.withSettings(component, settings);
    Writes writes = WorkflowStore.topology(new Writes(), topology, engine.now());
    for (TopologyNode node : nodes) {
      node.settings.mergeIn(settings);
      WorkflowStore.node(writes, node, engine.now());
    }
    Job job = Plans.onNodes(JobEffects.newJob(topology.tenantId, topology.id, "config-change", requestId,
        engine.now()), topology, "config-change", List.of("configure", "update"), Plans.byComponent(nodes));
    return engine.effects.start(job, writes, caller.actor()).map(started -> new JsonObject().put("jobId", job.id));
  }

  /** Ships the recipes again to the nodes of a topology, of a component, or the nodes named. */
  Future<JsonObject> scripts(JsonObject scope, Caller caller, String requestId) {
    List<TopologyNode> chosen = new ArrayList<>();
    TopologyRecord topology;
    if (scope.getString("componentId") != null) {
      topology = topologyOfComponent(scope.getString("componentId"), caller);
      chosen.addAll(nodesOfComponent(topology, scope.getString("componentId")));
    } else if (scope.getString("topologyId") != null) {
      topology = topology(scope.getString("topologyId"), caller);
      chosen.addAll(nodesOf(topology));
    } else {
      JsonArray ids = scope.getJsonArray("nodeIds", new JsonArray());
      topology = null;
      for (Object id : ids) {
        TopologyNode node = node(String.valueOf(id), caller);
        if (topology != null && !topology.id.equals(node.topologyId)) {
          throw BusFailure.of(400, "nodeIds must all be nodes of one topology.", "nodeIds");
        }
        topology = engine.topologies.get(node.topologyId);
        chosen.add(node);
      }
      if (topology == null) {
        throw BusFailure.of(400, "Say which nodes: topologyId, componentId or nodeIds.", "topologyId");
      }
    }
    refuseWhileBusy(topology);
    List<TopologyNode> withAgents = chosen.stream().filter(node -> node.agentNodeId != null).toList();
    return onNodes(topology, "scripts-sync", List.of("ship"), withAgents, caller, requestId);
  }

  Future<JsonObject> cancel(String jobId, Caller caller) {
    Job job = engine.jobs.get(jobId);
    if (job == null || !caller.mayAct(job.tenantId)) {
      return Views.storedJob(engine, jobId, caller).compose(stored -> Future.failedFuture(BusFailure.of(409,
          "Job " + jobId + " already ended (" + stored.getString("state") + "); nothing to cancel.", "id")));
    }
    if (job.state.ended()) {
      return Future.succeededFuture(job.toJson());
    }
    Writes writes = new Writes();
    for (Task task : job.tasks()) {
      if (!task.state.ended() && !task.busy) {
        task.state = Task.State.CANCELLED;
        task.endedAt = engine.now();
        WorkflowStore.task(writes, job, task);
      }
    }
    job.error = new JsonObject().put("message", "cancelled by " + caller.actor());
    engine.effects.ended(job, Job.State.CANCELLED, writes);
    return engine.write(writes).map(stored -> job.toJson());
  }

  private Future<JsonObject> onNodes(TopologyRecord topology, String kind, List<String> stages,
      List<TopologyNode> nodes, Caller caller, String requestId) {
    Job job = Plans.onNodes(JobEffects.newJob(topology.tenantId, topology.id, kind, requestId, engine.now()),
        topology, kind, stages, Plans.byComponent(nodes));
    return engine.effects.start(job, new Writes(), caller.actor()).map(started -> new JsonObject().put("jobId", job.id));
  }

  /** A new node: its exports start as the recipe's defaults, its scripts publish the rest. */
  private TopologyNode newNode(TopologyRecord topology, String component, String group, String role,
      JsonObject settings, long now) {
    int position = topology.takePosition(component);
    // Names are unique among all agents: the topology id's first characters tell two tenants' apart.
    String name = topology.spec.name() + "-" + group + "-" + position + "-" + topology.id.substring(0, 6);
    ComponentSpec spec = topology.component(component);
    JsonObject exports = new JsonObject();
    engine.recipes.find(spec.type(), spec.version()).ifPresent(recipe -> recipe.exportDefaults().forEach(entry -> {
      if (entry.getValue() != null) {
        exports.put(entry.getKey(), entry.getValue());
      }
    }));
    return new TopologyNode(UUID.randomUUID().toString(), topology.id, component, name, role, position,
        TopologyNode.State.PENDING, settings.copy(), exports, null, null, now, now);
  }

  private void insert(Writes writes, TopologyNode node, long now) {
    writes.sql(WorkflowStore.INSERT_NODE, "id", node.id, "topologyId", node.topologyId, "component", node.component,
        "name", node.name, "role", node.role, "position", node.position, "state", node.state.name(),
        "settings", node.settings.encode(), "exports", node.exports.encode(), "agentNodeId", null, "placement", null,
        "now", now);
  }

  /** One job at a time changes a topology (reconfiguring its imports aside); a deleted one takes none. */
  private void refuseWhileBusy(TopologyRecord topology) {
    refuseWhileRunning(topology);
    if (topology.state == TopologyRecord.State.DELETING) {
      throw BusFailure.of(409, "Topology " + topology.spec.name() + " is being deleted; delete it again if its"
          + " deletion failed.", "topology");
    }
  }

  private void refuseWhileRunning(TopologyRecord topology) {
    engine.jobs.values().stream().filter(job -> job.topologyId.equals(topology.id) && !job.state.ended()
        && !job.kind.equals("reconfigure")).findFirst().ifPresent(job -> {
          throw BusFailure.of(409, "Job " + job.id + " (" + job.kind + ") is running on topology "
              + topology.spec.name() + "; wait for it (GET /v1.0/jobs/" + job.id + "?wait=30s) or cancel it"
              + " (DELETE /v1.0/jobs/" + job.id + ").", "topology");
        });
  }

  TopologyRecord topology(String id, Caller caller) {
    TopologyRecord topology = engine.topologies.get(id);
    if (topology == null || !caller.mayAct(topology.tenantId)) {
      throw BusFailure.of(404, "No topology " + id + ".", "id");
    }
    return topology;
  }

  private TopologyRecord topologyOfComponent(String componentId, Caller caller) {
    return engine.topologies.values().stream().filter(t -> t.componentIds.containsValue(componentId)
        && caller.mayAct(t.tenantId)).findFirst()
        .orElseThrow(() -> BusFailure.of(404, "No component " + componentId + ".", "id"));
  }

  private TopologyNode node(String nodeId, Caller caller) {
    TopologyNode node = engine.nodes.get(nodeId);
    TopologyRecord topology = node == null ? null : engine.topologies.get(node.topologyId);
    if (topology == null || !caller.mayAct(topology.tenantId)) {
      throw BusFailure.of(404, "No node " + nodeId + ".", "id");
    }
    return node;
  }

  List<TopologyNode> nodesOf(TopologyRecord topology) {
    return engine.nodes.values().stream().filter(node -> node.topologyId.equals(topology.id)).toList();
  }

  private List<TopologyNode> nodesOfComponent(TopologyRecord topology, String componentId) {
    String component = topology.componentName(componentId);
    return nodesOf(topology).stream().filter(node -> node.component.equals(component)).toList();
  }
}
