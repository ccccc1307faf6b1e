package io.rainhub.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recipe scripts that fail, on a real hub (H2) with real node agents, using the recipes of
 * src/test/resources/it-recipes: a failing install fails the job with the script's failure, and a
 * stage with a retry that fails once succeeds on its second attempt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkflowFailuresIT {

  private static final Duration JOB = Duration.ofSeconds(90);

  @TempDir
  static Path work;

  private TopologyHub hub;

  @BeforeAll
  void startHub() throws Exception {
    hub = new TopologyHub(work, null, TopologyHub.IT_RECIPES).start();
  }

  @AfterAll
  void stopHub() throws Exception {
    hub.close();
  }

  @Test
  void aFailingInstallFailsTheJobNamingTheTaskNodeScriptExitCodeAndLastLines() throws Exception {
    JsonObject created = hub.create(topology("broken", "failing"));
    JsonObject job = hub.awaitEnd(created.getString("jobId"), JOB);
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("FAILED");

    JsonObject error = job.getJsonObject("error");
    assertThat(error).as(job.encodePrettily()).isNotNull();
    JsonObject failed = TopologyHub.tasks(job).stream().filter(t -> "FAILED".equals(t.getString("state")))
        .findFirst().orElseThrow(() -> new AssertionError("no FAILED task: " + job.encodePrettily()));
    JsonObject node = TopologyHub.nodes(hub.topology(created.getString("id")), "web").get(0);
    assertThat(error.getString("stage")).isEqualTo("install");
    assertThat(error.getString("script")).isEqualTo("install.sh");
    assertThat(error.getInteger("exitCode")).isEqualTo(3);
    assertThat(error.getString("task")).isEqualTo(failed.getString("id"));
    assertThat(error.getString("nodeId")).isEqualTo(node.getString("id"));
    assertThat(error.getString("nodeName")).isEqualTo(node.getString("name")).startsWith("broken-web-0");
    assertThat(error.getString("message")).contains("install.sh").contains(node.getString("name")).contains("3");
    assertThat(error.getJsonArray("lastLines").encode())
        .contains("failing: checking the frobnicator on " + node.getString("name"))
        .contains("failing: giving up with exit code 3");
    assertThat(failed.getString("stage")).isEqualTo("install");
    assertThat(failed.getInteger("exitCode")).isEqualTo(3);
    assertThat(failed.getInteger("attempts")).as("retries: 0").isEqualTo(1);
    assertThat(node.getString("state")).isEqualTo("FAILED");
    assertThat(hub.topology(created.getString("id")).getString("state")).isEqualTo("FAILED");
    assertThat(TopologyHub.tasks(job).stream().filter(t -> List.of("pre-config", "config", "validate")
        .contains(t.getString("stage")))).as("nothing after the failed stage ran")
        .allMatch(t -> t.getString("startedAt") == null);
  }

  @Test
  void aStageWithOneRetryThatFailsOnceSucceedsOnItsSecondAttempt() throws Exception {
    JsonObject created = hub.create(topology("wobbly", "flaky"));
    JsonObject job = hub.succeeded(created.getString("jobId"), JOB);

    JsonObject install = TopologyHub.tasks(job).stream().filter(t -> "install".equals(t.getString("stage")))
        .findFirst().orElseThrow();
    assertThat(install.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(install.getInteger("attempts")).as(install.encode()).isEqualTo(2);
    assertThat(install.getJsonArray("lastLines").encode()).contains("flaky: second attempt");
    assertThat(TopologyHub.tasks(job)).allMatch(t -> "SUCCEEDED".equals(t.getString("state")));
    JsonObject node = TopologyHub.nodes(hub.topology(created.getString("id")), "web").get(0);
    assertThat(node.getString("state")).isEqualTo("RUNNING");
  }

  private static JsonObject topology(String name, String type) {
    return new JsonObject().put("name", name).put("availability_zone", "it-1").put("target", "local")
        .put("components", new JsonArray().add(new JsonObject().put("name", "web").put("type", type)
            .put("version", "1.0").put("size", 1)));
  }
}
