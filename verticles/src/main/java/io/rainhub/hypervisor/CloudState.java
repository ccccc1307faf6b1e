package io.rainhub.hypervisor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The hypervisor's maps, in memory: nodes, components, instances and where they run, and the
 * wiring between rain servers and motherships. Only the hypervisor verticle touches it, on its own
 * event loop, so no locking. Reservations are derived from placements, never stored twice.
 */
public final class CloudState {

  private final Map<String, RainServer> servers = new LinkedHashMap<>();
  private final Map<String, Mothership> motherships = new LinkedHashMap<>();
  private final Map<String, WebComponent> components = new TreeMap<>();
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  private final Map<String, Capacity> reserved = new HashMap<>();
  private final Map<String, Set<String>> instancesByMothership = new HashMap<>();
  private final Map<String, Set<String>> instancesByComponent = new HashMap<>();
  private final Map<String, Set<String>> wiresByServer = new HashMap<>();
  private final Map<String, Set<String>> wiresByMothership = new HashMap<>();
  /** Nodes whose agent has said hello, by node id. */
  private final Map<String, AgentNode> agentNodes = new LinkedHashMap<>();
  /** REST-registered nodes an admin enrolled, by node id: the agent token whose hello may take them over. */
  private final Map<String, String> enrolments = new java.util.HashMap<>();
  /** Node ids by kind and name, so a hello finds its node without a scan of the fleet. */
  private final Map<String, Set<String>> idsByName = new HashMap<>();
  /** Instances holding no placement, so looking for them costs nothing when there are none. */
  private final Set<String> unplaced = new LinkedHashSet<>();
  /** PLACED or RUNNING instances with fewer placements than their component's replicas, likewise. */
  private final Set<String> shortOfReplicas = new LinkedHashSet<>();

  // --- agents

  public Collection<AgentNode> agentNodes() {
    return agentNodes.values();
  }

  public AgentNode agentNode(String nodeId) {
    return agentNodes.get(nodeId);
  }

  public void putAgentNode(AgentNode node) {
    agentNodes.put(node.nodeId(), node);
    if (node.kind() == AgentNode.NodeKind.GENERIC) {
      named(AgentNode.NodeKind.GENERIC, node.name()).add(node.nodeId());
    }
  }

  /** Ids of the nodes of {@code kind} called {@code name}, oldest first. */
  public Set<String> nodeIdsNamed(AgentNode.NodeKind kind, String name) {
    return idsByName.getOrDefault(kind.name() + ":" + name, Set.of());
  }

  private Set<String> named(AgentNode.NodeKind kind, String name) {
    return idsByName.computeIfAbsent(kind.name() + ":" + name, k -> new LinkedHashSet<>());
  }

  /** True when there was one to remove. */
  public boolean removeAgentNode(String nodeId) {
    return agentNodes.remove(nodeId) != null;
  }

  /** The agent token an admin enrolled a REST-registered node for, or null. */
  public String enrolment(String nodeId) {
    return enrolments.get(nodeId);
  }

  public void putEnrolment(String nodeId, String agentTokenId) {
    enrolments.put(nodeId, agentTokenId);
  }

  /** True when there was one to remove. */
  public boolean removeEnrolment(String nodeId) {
    return enrolments.remove(nodeId) != null;
  }

  public boolean agentManaged(String nodeId) {
    return agentNodes.containsKey(nodeId);
  }

  /** The node's state: on its mothership or rain server record, else (generic) on its agent record. */
  public NodeState nodeState(String nodeId) {
    Mothership mothership = motherships.get(nodeId);
    if (mothership != null) {
      return mothership.state();
    }
    RainServer server = servers.get(nodeId);
    if (server != null) {
      return server.state();
    }
    return agentNodes.get(nodeId).state();
  }

  /** What kind of node the id names; null when none (or a generic id that is not an agent's). */
  public AgentNode.NodeKind kindOf(String nodeId) {
    if (motherships.containsKey(nodeId)) {
      return AgentNode.NodeKind.MOTHERSHIP;
    }
    if (servers.containsKey(nodeId)) {
      return AgentNode.NodeKind.RAINSERVER;
    }
    AgentNode generic = agentNodes.get(nodeId);
    return generic == null || generic.kind() != AgentNode.NodeKind.GENERIC ? null : generic.kind();
  }

  // --- rain servers

  public Collection<RainServer> servers() {
    return servers.values();
  }

  public RainServer server(String id) {
    return servers.get(id);
  }

  public void putServer(RainServer server) {
    servers.put(server.id(), server);
    named(AgentNode.NodeKind.RAINSERVER, server.name()).add(server.id());
  }

  public void removeServer(String id) {
    RainServer removed = servers.remove(id);
    if (removed != null) {
      named(AgentNode.NodeKind.RAINSERVER, removed.name()).remove(id);
    }
    for (String mothershipId : wiresOf(id)) {
      unwire(id, mothershipId);
    }
  }

  // --- motherships

  public Collection<Mothership> motherships() {
    return motherships.values();
  }

  public Mothership mothership(String id) {
    return motherships.get(id);
  }

  public void putMothership(Mothership mothership) {
    motherships.put(mothership.id(), mothership);
    named(AgentNode.NodeKind.MOTHERSHIP, mothership.name()).add(mothership.id());
  }

  /** Forgets a mothership that holds nothing any more (its instances were released first). */
  public void removeMothership(String id) {
    Mothership removed = motherships.remove(id);
    if (removed != null) {
      named(AgentNode.NodeKind.MOTHERSHIP, removed.name()).remove(id);
    }
    for (String serverId : serversWiredTo(id)) {
      unwire(serverId, id);
    }
    reserved.remove(id);
    instancesByMothership.remove(id);
  }

  /** Removes a generic agent node's name; its agent record goes with {@link #removeAgentNode}. */
  public void forgetGenericName(AgentNode node) {
    named(AgentNode.NodeKind.GENERIC, node.name()).remove(node.nodeId());
  }

  public Capacity reservedOn(String mothershipId) {
    return reserved.getOrDefault(mothershipId, Capacity.ZERO);
  }


  public Set<String> instanceIdsOn(String mothershipId) {
    return instancesByMothership.getOrDefault(mothershipId, Set.of());
  }

  // --- components and instances

  public Collection<WebComponent> components() {
    return components.values();
  }

  public WebComponent component(String id, String version) {
    return components.get(WebComponent.key(id, version));
  }

  public void putComponent(WebComponent component) {
    components.put(component.key(), component);
  }

  public void removeComponent(WebComponent component) {
    components.remove(component.key());
    instancesByComponent.remove(component.key());
  }

  public Instance instance(String id) {
    return instances.get(id);
  }

  public List<Instance> instancesOf(WebComponent component) {
    List<Instance> found = new ArrayList<>();
    for (String id : instancesByComponent.getOrDefault(component.key(), Set.of())) {
      found.add(instances.get(id));
    }
    return found;
  }

  /** Ids of the UNPLACED instances. */
  public Set<String> unplacedInstanceIds() {
    return unplaced;
  }

  /** Ids of the PLACED or RUNNING instances placed on fewer motherships than their component's replicas. */
  public Set<String> instanceIdsShortOfReplicas() {
    return shortOfReplicas;
  }

  /** Adds or replaces an instance, moving its reservations to match its placements. */
  public void putInstance(Instance instance) {
    if (instance.state() == InstanceState.UNPLACED) {
      unplaced.add(instance.id());
    } else {
      unplaced.remove(instance.id());
    }
    WebComponent component = components.get(instance.componentKey());
    if (component != null && (instance.state() == InstanceState.PLACED || instance.state() == InstanceState.RUNNING)
        && instance.placements().size() < component.replicas()) {
      shortOfReplicas.add(instance.id());
    } else {
      shortOfReplicas.remove(instance.id());
    }
    Instance previous = instances.put(instance.id(), instance);
    if (previous != null) {
      release(previous);
      if (!previous.componentKey().equals(instance.componentKey())) {
        // An update confirmed: the instance now belongs to the new version.
        Set<String> siblings = instancesByComponent.get(previous.componentKey());
        if (siblings != null) {
          siblings.remove(instance.id());
        }
      }
    }
    for (Instance.Placement placement : instance.placements()) {
      reserved.merge(placement.mothershipId(), placement.reserved(), Capacity::plus);
      instancesByMothership.computeIfAbsent(placement.mothershipId(), k -> new LinkedHashSet<>()).add(instance.id());
    }
    instancesByComponent.computeIfAbsent(instance.componentKey(), k -> new LinkedHashSet<>()).add(instance.id());
  }

  public void removeInstance(String id) {
    unplaced.remove(id);
    shortOfReplicas.remove(id);
    Instance previous = instances.remove(id);
    if (previous != null) {
      release(previous);
      Set<String> siblings = instancesByComponent.get(previous.componentKey());
      if (siblings != null) {
        siblings.remove(id);
      }
    }
  }

  private void release(Instance instance) {
    for (Instance.Placement placement : instance.placements()) {
      reserved.computeIfPresent(placement.mothershipId(), (k, held) -> held.minus(placement.reserved()));
      Set<String> hosted = instancesByMothership.get(placement.mothershipId());
      if (hosted != null) {
        hosted.remove(instance.id());
      }
    }
  }

  public int instanceCount() {
    return instances.size();
  }

  public Collection<Instance> instances() {
    return instances.values();
  }

  // --- wiring

  public Set<String> wiresOf(String serverId) {
    return Set.copyOf(wiresByServer.getOrDefault(serverId, Set.of()));
  }

  public Set<String> serversWiredTo(String mothershipId) {
    return Set.copyOf(wiresByMothership.getOrDefault(mothershipId, Set.of()));
  }

  public boolean wired(String serverId, String mothershipId) {
    return wiresByServer.getOrDefault(serverId, Set.of()).contains(mothershipId);
  }

  public void wire(String serverId, String mothershipId) {
    wiresByServer.computeIfAbsent(serverId, k -> new LinkedHashSet<>()).add(mothershipId);
    wiresByMothership.computeIfAbsent(mothershipId, k -> new LinkedHashSet<>()).add(serverId);
  }

  public void unwire(String serverId, String mothershipId) {
    Set<String> byServer = wiresByServer.get(serverId);
    if (byServer != null) {
      byServer.remove(mothershipId);
    }
    Set<String> byMothership = wiresByMothership.get(mothershipId);
    if (byMothership != null) {
      byMothership.remove(serverId);
    }
  }

  /** Every (server, mothership) wire, for the infrastructure map. */
  public List<String[]> wires() {
    List<String[]> all = new ArrayList<>();
    wiresByServer.forEach((server, targets) -> targets.forEach(target -> all.add(new String[] {server, target})));
    return all;
  }

  /** A server needs a wire to a mothership while it hosts an instance serving URLs the server renders. */
  public boolean wireNeeded(RainServer server, String mothershipId) {
    if (!server.available()) {
      return false;
    }
    for (String instanceId : instanceIdsOn(mothershipId)) {
      WebComponent component = components.get(instances.get(instanceId).componentKey());
      if (component != null && UrlPattern.anyOverlap(server.urls(), component.urls())) {
        return true;
      }
    }
    return false;
  }

  /** Motherships {@code server} should be wired to, given what runs where now. */
  public Set<String> neededWires(RainServer server) {
    Set<String> needed = new LinkedHashSet<>();
    if (!server.available()) {
      return needed;
    }
    for (WebComponent component : components.values()) {
      if (!UrlPattern.anyOverlap(server.urls(), component.urls())) {
        continue;
      }
      for (Instance instance : instancesOf(component)) {
        for (Instance.Placement placement : instance.placements()) {
          needed.add(placement.mothershipId());
        }
      }
    }
    return needed;
  }
}
