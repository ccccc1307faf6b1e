package io.rainhub.workflow;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where a topology's nodes come from. {@code local} spawns rain-agent processes on the hub's machine,
 * {@code existing} claims nodes that enrolled themselves; a cloud would plug in here too. Every call
 * may be repeated after a hub restart: a target finds what it did before instead of doing it twice.
 */
interface Target {

  /** Makes the nodes exist; answers each node's placement (what the target needs to find it again). */
  Future<Map<String, JsonObject>> spawn(TopologyRecord topology, List<TopologyNode> nodes);

  /** May make the nodes exist ahead of their spawn stage (it must then find them); by default it does nothing. */
  default void warmUp(TopologyRecord topology, List<TopologyNode> nodes) {
  }

  /** The agent node of each of {@code nodes} whose agent said hello: node id → agent node id. */
  Future<Map<String, String>> agents(TopologyRecord topology, List<TopologyNode> nodes);

  /** Whether a released node's agent is told to leave (its process is the topology's own). */
  boolean agentLeaves();

  /** Lets the node go once its agent left; {@code remaining} are the topology's other nodes. */
  Future<Void> release(TopologyRecord topology, TopologyNode node, Collection<TopologyNode> remaining);

  /** The topology is deleted: nothing of it may be left behind. */
  Future<Void> forget(TopologyRecord topology);

  /** A line for a node whose agent did not come: where to look. */
  String whereToLook(TopologyRecord topology, TopologyNode node);
}
