package io.rainhub.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.model.ComponentSpec;
import io.rainhub.model.ImportSpec;
import io.rainhub.model.NodeGroup;
import io.rainhub.model.Topology;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DAGs of jobs, and imports as scripts see them: db ← app ← lb, without any process. */
class PlansTest {

  private final TopologyRecord lamp = lamp();
  private final List<TopologyNode> nodes = new ArrayList<>(List.of(
      node("db", 0), node("app", 0), node("app", 1), node("lb", 0)));

  @Test
  void creationRunsEachComponentsStagesInOrderAndWaitsForDependenciesToValidate() {
    Job job = Plans.create(newJob("create"), lamp, Plans.byComponent(nodes));

    assertThat(job.workflows).extracting(w -> w.component).containsExactlyInAnyOrder("db", "app", "lb");
    Workflow app = workflow(job, "app");
    assertThat(app.stages).extracting(s -> s.name).containsExactlyElementsOf(Plans.CREATION);
    assertThat(app.stages.get(0).after).containsExactly("db/validate");
    assertThat(app.stages.get(3).tasks).hasSize(2);
    assertThat(job.stage("app/start").ready(job)).as("app waits for db").isFalse();
    assertThat(job.stage("db/start").ready(job)).isTrue();
    assertThat(job.stage("db/spawn").ready(job)).as("a stage starts once the one before it succeeded").isTrue();
    assertThat(job.stage("db/verify-spawn").ready(job)).isFalse();

    workflow(job, "db").stages.forEach(stage -> stage.tasks.forEach(task -> task.state = Task.State.SUCCEEDED));
    assertThat(job.stage("app/start").ready(job)).isTrue();
    assertThat(job.stage("lb/start").ready(job)).as("lb waits for app, not only db").isFalse();
    assertThat(job.allSucceeded()).isFalse();
  }

  @Test
  void deletionStopsDependenciesOnlyAfterTheirDependantsUndeployed() {
    Job job = Plans.delete(newJob("delete"), lamp, Plans.byComponent(nodes));

    assertThat(job.stage("db/stop").after).containsExactly("app/undeploy");
    assertThat(job.stage("app/stop").after).containsExactly("lb/undeploy");
    assertThat(job.stage("lb/stop").ready(job)).isTrue();
    assertThat(job.stage("db/stop").ready(job)).isFalse();
    assertThat(job.stage("lb/release").tasks.get(0).steps).containsExactly(Step.LEAVE, Step.RELEASE);
  }

  @Test
  void replaceRemovesTheOldNodeOnlyOnceTheNewOneValidated() {
    TopologyNode fresh = node("app", 2);
    Job job = Plans.replace(newJob("replace"), lamp, nodes.get(1), fresh);

    assertThat(job.workflows).extracting(w -> w.id).containsExactly("app.new", "app.old");
    assertThat(job.stage("app.old/stop").after).containsExactly("app.new/validate");
    assertThat(job.stage("app.new/install").tasks).extracting(t -> t.nodeId).containsExactly(fresh.id);
  }

  @Test
  void aStoredPlanComesBackTheSame() {
    Job job = Plans.create(newJob("create"), lamp, Plans.byComponent(nodes));
    Job again = Job.fromPlan(new Job(job.id, job.tenantId, job.topologyId, job.kind, null, job.createdAt),
        new JsonObject(job.planJson().encode()));

    assertThat(again.planJson()).isEqualTo(job.planJson());
    assertThat(again.total()).isEqualTo(job.total()).isEqualTo(6 * 4);
  }

  @Test
  void scriptsSeeTheirSettingsAndEveryRunningExporterInNameOrder() {
    TopologyNode lb = nodes.get(3);
    assertThat(Imports.missing(lamp, lb, nodes)).containsExactly("app");

    nodes.get(2).state = TopologyNode.State.RUNNING;
    nodes.get(2).exports = new JsonObject().put("ip", "127.0.0.1").put("port", 8002);
    nodes.get(1).state = TopologyNode.State.RUNNING;
    nodes.get(1).exports = new JsonObject().put("ip", "127.0.0.1").put("port", 8001);
    Map<String, String> env = Imports.env(lamp, lb, nodes);

    assertThat(Imports.missing(lamp, lb, nodes)).isEmpty();
    assertThat(env).containsEntry("RAIN_IMPORT_APP_COUNT", "2")
        .containsEntry("RAIN_IMPORT_APP_0_PORT", "8001").containsEntry("RAIN_IMPORT_APP_1_PORT", "8002")
        .containsEntry("RAIN_IMPORT_APP_0_NAME", nodes.get(1).name)
        .containsEntry("RAIN_SETTING_MAX_CONN", "100").containsEntry("RAIN_NODE_NAME", lb.name);
    String before = Imports.view(lamp, "lb", nodes);
    nodes.get(2).state = TopologyNode.State.DELETING;
    assertThat(Imports.view(lamp, "lb", nodes)).as("an exporter going away changes what lb sees").isNotEqualTo(before);
    assertThat(Imports.env(lamp, lb, nodes)).containsEntry("RAIN_IMPORT_APP_COUNT", "1")
        .doesNotContainKey("RAIN_IMPORT_APP_1_PORT");
  }

  @Test
  void onlyCreationShowsANodeInstallingOrConfiguring() {
    assertThat(NodeSteps.stateWhileRunning("create", "install")).isEqualTo(TopologyNode.State.INSTALLING);
    assertThat(NodeSteps.stateWhileRunning("flex-up", "configure")).isEqualTo(TopologyNode.State.CONFIGURING);
    // A running node re-synced, health-checked or reconfigured stays an exporter meanwhile.
    for (String kind : List.of("scripts-sync", "status", "config-change", "reconfigure", "service-restart")) {
      assertThat(NodeSteps.stateWhileRunning(kind, "install")).as(kind).isNull();
      assertThat(NodeSteps.stateWhileRunning(kind, "validate")).as(kind).isNull();
    }
  }

  private Job newJob(String kind) {
    return JobEffects.newJob("tenant", lamp.id, kind, null, 1L);
  }

  private static Workflow workflow(Job job, String component) {
    return job.workflows.stream().filter(w -> w.component.equals(component)).findFirst().orElseThrow();
  }

  private TopologyNode node(String component, int position) {
    return new TopologyNode(component + "-" + position + "-id", lamp.id, component, "lamp-" + component + "-" + position,
        "default", position, TopologyNode.State.PENDING,
        component.equals("lb") ? new JsonObject().put("max-conn", 100) : new JsonObject(), new JsonObject(), null, null,
        1L, 1L);
  }

  private static TopologyRecord lamp() {
    ComponentSpec db = component("db", "postgresql", List.of(), List.of());
    ComponentSpec app = component("app", "webapp", List.of("db"),
        List.of(new ImportSpec("db", List.of("ip", "port", "database"), false)));
    ComponentSpec lb = component("lb", "haproxy", List.of("app"),
        List.of(new ImportSpec("app", List.of("ip", "port"), false)));
    Map<String, String> ids = new LinkedHashMap<>();
    List.of("db", "app", "lb").forEach(name -> ids.put(name, name + "-component"));
    return new TopologyRecord("topology-1", "tenant", new Topology("lamp", "zone", "local", List.of(db, app, lb)), ids,
        TopologyRecord.State.CREATING, null, 1L, 1L);
  }

  private static ComponentSpec component(String name, String type, List<String> dependsOn, List<ImportSpec> imports) {
    return new ComponentSpec(name, type, "1.0", 1, dependsOn, null, null, new JsonObject(), imports,
        List.of(new NodeGroup(NodeGroup.DEFAULT_ROLE, name, 1, null, null, new JsonObject())));
  }
}
