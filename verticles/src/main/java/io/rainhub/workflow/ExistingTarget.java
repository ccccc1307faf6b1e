package io.rainhub.workflow;

import io.rainhub.model.ComponentSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Nodes that enrolled themselves: rain-agents of kind generic started by the operator with a label
 * {@code pool=<flavor>} (else {@code pool=<type>}). A spawn claims free ones that are online; a
 * release gives the node back (its scripts undeployed what the topology put there) without stopping
 * its agent. A node is claimed by at most one topology node: the engine's placements say which.
 */
final class ExistingTarget implements Target {

  private final WorkflowStore store;
  private final Supplier<Collection<TopologyNode>> allNodes;

  ExistingTarget(WorkflowStore store, Supplier<Collection<TopologyNode>> allNodes) {
    this.store = store;
    this.allNodes = allNodes;
  }

  static String pool(ComponentSpec component) {
    return component.flavor() == null || component.flavor().isBlank() ? component.type() : component.flavor();
  }

  @Override
  public Future<Map<String, JsonObject>> spawn(TopologyRecord topology, List<TopologyNode> nodes) {
    return store.query("SELECT node_id, name, labels, state FROM agent_nodes WHERE kind = 'generic'"
        + " ORDER BY created_at, node_id", Tuple.tuple()).compose(rows -> {
          Set<String> claimed = new HashSet<>();
          for (TopologyNode node : allNodes.get()) {
            if (node.agentNodeId != null) {
              claimed.add(node.agentNodeId);
            }
          }
          Map<String, JsonObject> placements = new HashMap<>();
          for (TopologyNode node : nodes) {
            if (node.agentNodeId != null) {
              placements.put(node.id, node.placement);
              continue;
            }
            String pool = pool(topology.component(node.component));
            for (Row row : rows) {
              String agentNodeId = row.getString("node_id");
              JsonObject labels = row.getString("labels") == null ? new JsonObject()
                  : new JsonObject(row.getString("labels"));
              if (!claimed.contains(agentNodeId) && "AVAILABLE".equals(row.getString("state"))
                  && pool.equals(labels.getString("pool"))) {
                claimed.add(agentNodeId);
                node.agentNodeId = agentNodeId;
                placements.put(node.id, new JsonObject().put("target", "existing").put("agentNodeId", agentNodeId)
                    .put("agentName", row.getString("name")));
                break;
              }
            }
            if (!placements.containsKey(node.id)) {
              return Future.failedFuture(new IllegalStateException("No free enrolled node with label pool=" + pool
                  + " is online for " + node.name + "; start a rain-agent with --kind generic --labels pool=" + pool));
            }
          }
          return Future.succeededFuture(placements);
        });
  }

  @Override
  public Future<Map<String, String>> agents(TopologyRecord topology, List<TopologyNode> nodes) {
    Map<String, String> found = new HashMap<>();
    nodes.forEach(node -> {
      if (node.agentNodeId != null) {
        found.put(node.id, node.agentNodeId);
      }
    });
    return Future.succeededFuture(found);
  }

  @Override
  public boolean agentLeaves() {
    return false;
  }

  @Override
  public Future<Void> release(TopologyRecord topology, TopologyNode node, Collection<TopologyNode> remaining) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> forget(TopologyRecord topology) {
    return Future.succeededFuture();
  }

  @Override
  public String whereToLook(TopologyRecord topology, TopologyNode node) {
    return "check the enrolled node's rain-agent log";
  }
}
