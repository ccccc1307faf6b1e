package io.rainhub.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub killed with -9 in the middle of a creation job (a script running) and started again on its
 * data dir / database: the job resumes and succeeds, and no finished stage runs again on any node
 * (each script appends "node stage" to a run log, so a repeat shows as a second line). Topology
 * a (2 nodes) ← b (2 nodes, depends_on a), recipe it-recipes/steps. Once on H2, once on PostgreSQL.
 */
class WorkflowResumeIT {

  private static final List<String> STAGES = List.of("install", "pre-config", "configure", "start", "validate");

  @TempDir
  Path work;

  private TopologyHub hub;
  private ClusterDatabase database;

  @AfterEach
  void stopAll() throws Exception {
    if (hub != null) {
      hub.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void onH2() throws Exception {
    killAndResume(null, "H2");
  }

  @Test
  void onPostgresql() throws Exception {
    database = ClusterDatabase.create();
    killAndResume(database.uri(), "PostgreSQL");
  }

  private void killAndResume(String db, String label) throws Exception {
    Path runLog = work.resolve("run.log");
    hub = new TopologyHub(work, db, TopologyHub.IT_RECIPES).start();
    JsonObject settings = new JsonObject().put("runlog", runLog.toString());
    JsonObject created = hub.create(new JsonObject().put("name", "resume").put("availability_zone", "it-1")
        .put("target", "local").put("components", new JsonArray()
            .add(new JsonObject().put("name", "a").put("type", "steps").put("version", "1.0").put("size", 2)
                .put("settings", settings))
            .add(new JsonObject().put("name", "b").put("type", "steps").put("version", "1.0").put("size", 2)
                .put("depends_on", "a").put("settings", settings))));
    String topologyId = created.getString("id");
    String jobId = created.getString("jobId");
    long begun = System.nanoTime();

    // Kill mid-job: between 30% and 70% of the tasks done, one of them running a script.
    JsonObject atKill = HubApi.await("the job 30-70% done with a task RUNNING", Duration.ofSeconds(90), () -> {
      JsonObject job = hub.job(jobId);
      assertThat(job.getString("state")).as("ended before the kill: " + job.encode()).isEqualTo("RUNNING");
      return job;
    }, job -> {
      double done = fraction(job);
      return done >= 0.3 && done <= 0.7
          && TopologyHub.tasks(job).stream().anyMatch(t -> "RUNNING".equals(t.getString("state")));
    });
    long killedAt = System.nanoTime();
    hub.kill();
    List<String> runningAtKill = TopologyHub.tasks(atKill).stream().filter(t -> "RUNNING".equals(t.getString("state")))
        .map(t -> t.getString("nodeName") + "/" + t.getString("stage")).toList();

    hub.start();
    long servingMs = (System.nanoTime() - killedAt) / 1_000_000;
    JsonObject job = hub.succeeded(jobId, Duration.ofSeconds(120));
    long resumedMs = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.printf("WorkflowResumeIT (%s): killed at %d ms into the job, %s done, running %s; restarted hub"
        + " serving %d ms after the kill, job SUCCEEDED %d ms after the kill%n", label,
        (killedAt - begun) / 1_000_000, progress(atKill), runningAtKill, servingMs, resumedMs);

    // 4 nodes × spawn, verify-spawn, install, pre-config, config, validate (start has no task).
    assertThat(TopologyHub.tasks(job)).as(job.encodePrettily()).hasSize(24)
        .allMatch(t -> "SUCCEEDED".equals(t.getString("state")));
    List<String> nodes = new ArrayList<>();
    JsonObject topology = hub.topology(topologyId);
    for (String component : List.of("a", "b")) {
      TopologyHub.nodes(topology, component).forEach(n -> {
        assertThat(n.getString("state")).isEqualTo("RUNNING");
        nodes.add(n.getString("name"));
      });
    }
    assertThat(nodes).hasSize(4);
    Map<String, Integer> runs = new TreeMap<>();
    for (String line : Files.readAllLines(runLog)) {
      runs.merge(line.trim(), 1, Integer::sum);
    }
    Map<String, Integer> expected = new TreeMap<>();
    for (String node : nodes) {
      STAGES.forEach(stage -> expected.put(node + " " + stage, 1));
    }
    assertThat(runs).as("each stage ran exactly once on each node").isEqualTo(expected);
  }

  private static double fraction(JsonObject job) {
    JsonObject progress = job.getJsonObject("progress");
    return progress.getInteger("done") / (double) progress.getInteger("total");
  }

  private static String progress(JsonObject job) {
    JsonObject progress = job.getJsonObject("progress");
    return progress.getInteger("done") + "/" + progress.getInteger("total");
  }
}
