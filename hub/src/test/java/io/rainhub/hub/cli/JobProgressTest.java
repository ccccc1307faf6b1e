package io.rainhub.hub.cli;

import static io.rainhub.hub.cli.Jobs.job;
import static io.rainhub.hub.cli.Jobs.stage;
import static io.rainhub.hub.cli.Jobs.task;
import static io.rainhub.hub.cli.Jobs.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobProgressTest {

  /** db install/validate, app install/config: a create job at four moments. */
  static final List<JsonObject> CREATE = List.of(
      job("PENDING",
          workflow("db", stage("install", "PENDING", 0, task("shop-db-1", "PENDING")),
              stage("validate", "PENDING", 0, task("shop-db-1", "PENDING"))),
          workflow("app", stage("install", "PENDING", 0, task("shop-app-1", "PENDING"), task("shop-app-2", "PENDING")),
              stage("config", "PENDING", 0, task("shop-app-1", "PENDING"), task("shop-app-2", "PENDING")))),
      job("RUNNING",
          workflow("db", stage("install", "RUNNING", 0, task("shop-db-1", "RUNNING")),
              stage("validate", "PENDING", 0, task("shop-db-1", "PENDING"))),
          workflow("app", stage("install", "RUNNING", 1, task("shop-app-1", "SUCCEEDED"), task("shop-app-2", "RUNNING")),
              stage("config", "PENDING", 0, task("shop-app-1", "PENDING"), task("shop-app-2", "PENDING")))),
      job("RUNNING",
          workflow("db", stage("install", "SUCCEEDED", 1, task("shop-db-1", "SUCCEEDED")),
              stage("validate", "RUNNING", 0, task("shop-db-1", "RUNNING"))),
          workflow("app", stage("install", "SUCCEEDED", 2, task("shop-app-1", "SUCCEEDED"), task("shop-app-2", "SUCCEEDED")),
              stage("config", "RUNNING", 0, task("shop-app-1", "WAITING").put("detail", "waiting for imports of db"),
                  task("shop-app-2", "WAITING").put("detail", "waiting for imports of db")))),
      job("SUCCEEDED",
          workflow("db", stage("install", "SUCCEEDED", 1, task("shop-db-1", "SUCCEEDED")),
              stage("validate", "SUCCEEDED", 1, task("shop-db-1", "SUCCEEDED"))),
          workflow("app", stage("install", "SUCCEEDED", 2, task("shop-app-1", "SUCCEEDED"), task("shop-app-2", "SUCCEEDED")),
              stage("config", "SUCCEEDED", 2, task("shop-app-1", "SUCCEEDED"), task("shop-app-2", "SUCCEEDED")))));

  @Test
  void pipedPrintsOneAlignedLinePerChangedStageAndNothingWhenNothingChanged() {
    JobProgress progress = JobProgress.plain();
    assertThat(progress.render(CREATE.get(0))).as("nothing has started").isEmpty();
    assertThat(progress.render(CREATE.get(1))).isEqualTo("""
        db   install   0/1  running
        app  install   1/2  running
        """);
    assertThat(progress.render(CREATE.get(1).copy())).as("the same answer again").isEmpty();
    assertThat(progress.render(CREATE.get(2))).isEqualTo("""
        db   install   1/1  succeeded
        db   validate  0/1  running
        app  install   2/2  succeeded
        app  config    0/2  running (waiting for imports of db)
        """);
    assertThat(progress.render(CREATE.get(3))).isEqualTo("""
        db   validate  1/1  succeeded
        app  config    2/2  succeeded
        """);
  }

  @Test
  void inPlaceRedrawsTheWholePictureOverThePreviousOne() {
    JobProgress progress = new JobProgress(true, 200);
    String first = progress.render(CREATE.get(1));
    assertThat(first).doesNotContain("\u001b[5A").startsWith("\u001b[2Kjob j1 (create)  1/6 [#.........]  running\n")
        .contains("\u001b[2Kapp  install   1/2 [#####.....]  running\n")
        .contains("\u001b[2Kdb   validate  0/1 [..........]  waiting\n");
    assertThat(progress.render(CREATE.get(1))).as("nothing changed: no redraw").isEmpty();
    String last = progress.render(CREATE.get(3));
    assertThat(last).startsWith("\u001b[5A\u001b[2Kjob j1 (create)  6/6 [##########]  succeeded\n")
        .contains("\u001b[2Kapp  config    2/2 [##########]  succeeded\n").doesNotContain("\u001b[J");
    assertThat(last.split("\n")).hasSize(5).allMatch(line -> line.contains("\u001b[2K"));
  }

  @Test
  void aShorterPictureClearsWhatIsLeftBelowIt() {
    JobProgress progress = new JobProgress(true, 200);
    progress.render(failed());
    String shorter = progress.render(CREATE.get(1));
    assertThat(shorter).startsWith("\u001b[8A").endsWith("\u001b[J");
  }

  @Test
  void aFailedStageNamesTheScriptTheExitCodeAndTheLastLines() {
    JobProgress progress = JobProgress.plain();
    progress.render(CREATE.get(1));
    assertThat(progress.render(failed())).isEqualTo("""
        db   install   1/1  succeeded
        app  install   1/2  failed
          install.sh on shop-app-2 exited with code 3 (2 attempts)
            | fetching webapp.tar.gz
            | curl: (7) Failed to connect
        """);
    assertThat(JobWords.error(failed())).isEqualTo(
        "install.sh on shop-app-2 (app/install) exited with code 3: stage install failed; last line: \"curl: (7) Failed to connect\"");
    assertThat(JobWords.outcome(failed())).isEqualTo("job j1 (create) failed: " + JobWords.error(failed()));
  }

  @Test
  void inPlaceCutsLongLinesSoTheCursorCountStaysRight() {
    JobProgress progress = new JobProgress(true, 30);
    for (String line : progress.render(failed()).split("\n")) {
      assertThat(line.replace("\u001b[2K", "")).hasSizeLessThan(30);
    }
  }

  @Test
  void wordsAndBars() {
    assertThat(JobWords.bar(Jobs.progress(0, 0))).isEqualTo("[..........]");
    assertThat(JobWords.bar(Jobs.progress(2, 3))).isEqualTo("[######....]");
    assertThat(JobWords.bar(Jobs.progress(9, 3))).isEqualTo("[##########]");
    assertThat(JobWords.state("PENDING")).isEqualTo("waiting");
    assertThat(JobWords.state("CANCELLED")).isEqualTo("cancelled");
    assertThat(JobWords.error(new JsonObject().put("error", new JsonObject().put("message", "cancelled by admin"))))
        .isEqualTo("cancelled by admin");
    assertThat(JobProgress.snapshot(CREATE.get(2))).containsExactly(
        "db   install   1/1 [##########]  succeeded",
        "db   validate  0/1 [..........]  running",
        "app  install   2/2 [##########]  succeeded",
        "app  config    0/2 [..........]  running (waiting for imports of db)");
  }

  static JsonObject failed() {
    JsonArray lastLines = new JsonArray().add("fetching webapp.tar.gz").add("curl: (7) Failed to connect");
    JsonObject job = job("FAILED",
        workflow("db", stage("install", "SUCCEEDED", 1, task("shop-db-1", "SUCCEEDED")),
            stage("validate", "PENDING", 0, task("shop-db-1", "PENDING"))),
        workflow("app", stage("install", "FAILED", 1, task("shop-app-1", "SUCCEEDED"),
            task("shop-app-2", "FAILED").put("script", "install.sh").put("exitCode", 3).put("attempts", 2)
                .put("lastLines", lastLines)),
            stage("config", "CANCELLED", 0, task("shop-app-1", "CANCELLED"), task("shop-app-2", "CANCELLED"))));
    return job.put("error", new JsonObject().put("message", "stage install failed").put("workflow", "w-app")
        .put("stage", "install").put("nodeName", "shop-app-2").put("script", "install.sh").put("exitCode", 3)
        .put("lastLines", lastLines));
  }
}
