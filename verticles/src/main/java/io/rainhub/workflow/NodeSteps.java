package io.rainhub.workflow;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The steps that change a node rather than run a script: waiting for imports, becoming an exporter
 * (running) or ceasing to be one, and being released. A node that starts or stops exporting marks its
 * importers for reconfiguration.
 */
final class NodeSteps {

  private NodeSteps() {
  }

  static Future<Void> run(Engine engine, Job job, Task task, TopologyRecord topology, TopologyNode node, String step) {
    return switch (step) {
      case Step.AWAIT_IMPORTS -> {
        List<String> missing = Imports.missing(topology, node, engine.nodes.values());
        yield missing.isEmpty() ? engine.next(job, task, new Writes())
            : engine.waiting(job, task, "waiting for a running node of " + String.join(", ", missing));
      }
      case Step.RUNNING -> becomes(engine, job, task, topology, node, TopologyNode.State.RUNNING);
      case Step.STOPPED -> becomes(engine, job, task, topology, node, TopologyNode.State.STOPPED);
      case Step.WAITING -> becomes(engine, job, task, topology, node, TopologyNode.State.WAITING);
      case Step.DELETING -> becomes(engine, job, task, topology, node, TopologyNode.State.DELETING);
      case Step.RELEASE -> release(engine, job, task, topology, node);
      default -> engine.fail(job, task, null, List.of(), "unknown step " + step);
    };
  }

  private static Future<Void> becomes(Engine engine, Job job, Task task, TopologyRecord topology, TopologyNode node,
      TopologyNode.State state) {
    Writes writes = new Writes();
    if (node.state != state) {
      node.state = state;
      nodeChanged(engine, writes, topology, node);
    }
    return engine.next(job, task, writes);
  }

  private static Future<Void> release(Engine engine, Job job, Task task, TopologyRecord topology, TopologyNode node) {
    List<TopologyNode> others = engine.nodes.values().stream()
        .filter(other -> other.topologyId.equals(topology.id) && other != node).toList();
    return engine.target(topology).release(topology, node, others).compose(released -> {
      engine.nodes.remove(node.id);
      Writes writes = new Writes().sql(WorkflowStore.DELETE_NODE, "id", node.id);
      writes.event("topology.node", "topology/" + topology.id, topology.tenantId, new JsonObject()
          .put("topologyId", topology.id).put("node", node.toJson().put("state", "DELETED")), null);
      engine.effects.importsMayHaveChanged(topology.id);
      return engine.next(job, task, writes);
    });
  }

  /** The node as it is now is stored with {@code writes}, told as an event, and its importers looked at. */
  static void nodeChanged(Engine engine, Writes writes, TopologyRecord topology, TopologyNode node) {
    long now = engine.now();
    node.updatedAt = now;
    WorkflowStore.node(writes, node, now);
    writes.event("topology.node", "topology/" + node.topologyId, topology == null ? null : topology.tenantId,
        new JsonObject().put("topologyId", node.topologyId).put("node", node.toJson()), null);
    engine.effects.importsMayHaveChanged(node.topologyId);
  }

  /** What a node being created is doing while a stage's script runs; other jobs leave its state alone. */
  static TopologyNode.State stateWhileRunning(String workflowKind, String stage) {
    if (!List.of("create", "flex-up", "replace").contains(workflowKind)) {
      return null;
    }
    return switch (stage) {
      case "install" -> TopologyNode.State.INSTALLING;
      case "pre-config", "configure" -> TopologyNode.State.CONFIGURING;
      case "validate" -> TopologyNode.State.VALIDATING;
      default -> null;
    };
  }
}
