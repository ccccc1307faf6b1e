package io.rainhub.workflow;

import io.rainhub.model.ComponentSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What each operation does, as workflows of stages of tasks: pure, so the DAGs are tested without
 * any process. {@code depends_on} becomes stage edges across workflows: creation waits for the
 * dependency's {@code validate}; deletion stops a dependency only after its dependants' undeploy.
 */
final class Plans {

  static final List<String> CREATION = List.of("start", "spawn", "verify-spawn", "install", "pre-config", "config",
      "validate");
  static final List<String> DELETION = List.of("stop", "undeploy", "release");

  private Plans() {
  }

  /** Creation of every component of {@code topology}, in parallel as far as depends_on allows. */
  static Job create(Job job, TopologyRecord topology, Map<String, List<TopologyNode>> nodesByComponent) {
    for (ComponentSpec component : topology.spec.components()) {
      List<String> after = component.dependsOn().stream().map(dependency -> dependency + "/validate").toList();
      workflow(job, component.name(), "create", topology, CREATION, after,
          nodesByComponent.getOrDefault(component.name(), List.of()));
    }
    return job.index();
  }

  /** Deletion of every node, dependants first. */
  static Job delete(Job job, TopologyRecord topology, Map<String, List<TopologyNode>> nodesByComponent) {
    for (ComponentSpec component : topology.spec.components()) {
      List<String> after = topology.spec.components().stream()
          .filter(other -> other.dependsOn().contains(component.name()))
          .map(dependant -> dependant.name() + "/undeploy").toList();
      workflow(job, component.name(), "delete", topology, DELETION, after,
          nodesByComponent.getOrDefault(component.name(), List.of()));
    }
    return job.index();
  }

  /** New nodes of one component, created as at first (their dependencies already run). */
  static Job flexUp(Job job, TopologyRecord topology, String component, List<TopologyNode> added) {
    workflow(job, component, "flex-up", topology, CREATION, List.of(), added);
    return job.index();
  }

  static Job flexDown(Job job, TopologyRecord topology, TopologyNode node) {
    workflow(job, node.component, "flex-down", topology, DELETION, List.of(), List.of(node));
    return job.index();
  }

  /** The new node is created first; the old one is removed once the new one validated. */
  static Job replace(Job job, TopologyRecord topology, TopologyNode old, TopologyNode replacement) {
    String created = node(old.component, "new");
    workflow(job, created, old.component, "replace", topology, CREATION, List.of(), List.of(replacement));
    workflow(job, node(old.component, "old"), old.component, "replace", topology, DELETION,
        List.of(created + "/validate"), List.of(old));
    return job.index();
  }

  /** One stage run on the given nodes of a component: services, status, scripts and such. */
  static Job onNodes(Job job, TopologyRecord topology, String kind, List<String> stages,
      Map<String, List<TopologyNode>> nodesByComponent) {
    nodesByComponent.forEach((component, nodes) ->
        workflow(job, component, kind, topology, stages, List.of(), nodes));
    return job.index();
  }

  /**
   * Importers reconfigured after their exporters changed: each node with its own steps
   * ({@code update.sh}; stop and wait; start again), in one stage per component.
   */
  static Job reconfigure(Job job, TopologyRecord topology, Map<String, Map<TopologyNode, List<String>>> steps) {
    steps.forEach((component, byNode) -> {
      Workflow workflow = job.add(new Workflow(component, "reconfigure", component,
          topology.componentIds.get(component)));
      Stage stage = new Stage(workflow, "update", List.of());
      workflow.stages.add(stage);
      byNode.forEach((node, nodeSteps) -> stage.tasks.add(
          new Task(taskId(workflow, stage, node), node.id, node.name, nodeSteps, stage)));
    });
    return job.index();
  }

  private static void workflow(Job job, String component, String kind, TopologyRecord topology, List<String> stages,
      List<String> firstAfter, Collection<TopologyNode> nodes) {
    workflow(job, component, component, kind, topology, stages, firstAfter, nodes);
  }

  private static void workflow(Job job, String id, String component, String kind, TopologyRecord topology,
      List<String> stages, List<String> firstAfter, Collection<TopologyNode> nodes) {
    Workflow workflow = job.add(new Workflow(id, kind, component, topology.componentIds.get(component)));
    for (String name : stages) {
      Stage stage = new Stage(workflow, name, workflow.stages.isEmpty() ? firstAfter : List.of());
      workflow.stages.add(stage);
      List<String> steps = Step.of(name);
      if (steps.isEmpty()) {
        continue;
      }
      for (TopologyNode node : nodes) {
        stage.tasks.add(new Task(taskId(workflow, stage, node), node.id, node.name, steps, stage));
      }
    }
  }

  private static String node(String component, String which) {
    return component + "." + which;
  }

  private static String taskId(Workflow workflow, Stage stage, TopologyNode node) {
    return workflow.id + "/" + stage.name + "/" + node.id;
  }

  /** Nodes grouped by component, in the order of the topology's components. */
  static Map<String, List<TopologyNode>> byComponent(Collection<TopologyNode> nodes) {
    Map<String, List<TopologyNode>> grouped = new java.util.LinkedHashMap<>();
    nodes.stream().sorted(java.util.Comparator.comparing((TopologyNode n) -> n.component)
            .thenComparingInt(n -> n.position))
        .forEach(node -> grouped.computeIfAbsent(node.component, c -> new ArrayList<>()).add(node));
    return grouped;
  }

}
