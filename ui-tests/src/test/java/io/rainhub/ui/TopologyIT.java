package io.rainhub.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.ui.harness.Checkout;
import io.rainhub.ui.harness.HubClient;
import io.rainhub.ui.harness.Screenshots;
import io.rainhub.ui.harness.UiPage;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The built-in LAMP example created from the topologies view on the local target (real haproxy,
 * webapp and PostgreSQL processes under rain-agent processes the hub starts): its job's stages
 * progress live to SUCCEEDED (about 25 s), then a confirmed delete removes it.
 */
class TopologyIT extends BrowserTest {

  private static final Duration JOB = Duration.ofSeconds(180);
  private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  /** Short: PostgreSQL's socket lands in <data-dir>/topologies/<id>/<node>/node/pg, within 107 bytes. */
  @Override
  Path hubDir() {
    return Path.of("/tmp", "rhui" + ProcessHandle.current().pid());
  }

  @Override
  String[] hubOptions() {
    return new String[] {"--recipes", Checkout.path("config", "recipes").toString(),
        "--agent-jar", Checkout.file("agent-client", "target", "rain-agent.jar").toString()};
  }

  /** Whatever a failed test left: cancelled and deleted through the API, so no PostgreSQL or HAProxy outlives the class. */
  @AfterAll
  void deleteLeftovers() throws Exception {
    HubClient admin = hub.admin();
    for (Object item : admin.get("/v1.0/jobs").getJsonArray("items")) {
      String job = ((JsonObject) item).getString("id");
      if (!ENDED.contains(((JsonObject) item).getString("state"))) {
        admin.send("DELETE", "/v1.0/jobs/" + job, null);
        HubClient.await("cancelled job " + job, JOB, () -> admin.get("/v1.0/jobs/" + job),
            j -> ENDED.contains(j.getString("state")));
      }
    }
    for (Object item : admin.get("/v1.0/topologies").getJsonArray("items")) {
      String id = ((JsonObject) item).getString("id");
      HubClient.Response deleted = admin.send("DELETE", "/v1.0/topologies/" + id, null);
      if (deleted.status() == 202) {
        String job = deleted.json().getString("jobId");
        HubClient.await("delete job " + job, JOB, () -> admin.get("/v1.0/jobs/" + job),
            j -> ENDED.contains(j.getString("state")));
      }
    }
  }

  @Test
  void theLampExampleCreatedFromTheUiFinishesLiveAndAConfirmedDeleteRemovesIt() throws Exception {
    ui.logInAsAdmin();
    ui.show("topologies");
    Select example = new Select(ui.waitFor(By.id("example"), UiPage.SOON));
    example.selectByValue("lamp");
    driver.findElement(UiPage.button("Create")).click();

    By job = By.cssSelector("[data-job-id]");
    ui.waitFor(job, UiPage.SOON);
    ui.markPage();
    // The job view redraws its stages as they change: an element read between two frames may be stale.
    new WebDriverWait(driver, JOB).withMessage(() -> "the job did not end; stages: " + stages())
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> {
          if (!d.findElements(By.cssSelector("[data-job-id][data-state='RUNNING'] [data-stage] progress")).isEmpty()) {
            saveOnce("job-running");
          }
          return d.findElements(job).stream().anyMatch(e -> ENDED.contains(e.getAttribute("data-state")));
        });
    WebElement ended = driver.findElement(job);
    assertThat(ended.getAttribute("data-state")).as("the job; stages: " + stages()).isEqualTo("SUCCEEDED");
    assertThat(ui.stillMarked()).as("progress followed live, without a reload").isTrue();
    String jobId = ended.getAttribute("data-job-id");
    assertThat(hub.admin().get("/v1.0/jobs/" + jobId).getString("state")).isEqualTo("SUCCEEDED");
    Screenshots.save(driver, "job");

    ui.show("topologies");
    By topology = By.cssSelector("[data-topology-id]");
    WebElement lamp = ui.waitFor(topology, UiPage.SOON);
    String topologyId = lamp.getAttribute("data-topology-id");
    Screenshots.save(driver, "topologies");
    UiPage.button(lamp, "Delete").click();
    WebElement dialog = ui.waitFor(By.tagName("dialog"), UiPage.SOON);
    UiPage.button(dialog, "Confirm").click();
    ui.waitUntilGone(By.cssSelector("[data-topology-id='" + topologyId + "']"), JOB);
    HubClient.await("the topology gone from the API", Duration.ofSeconds(30),
        () -> hub.admin().send("GET", "/v1.0/topologies/" + topologyId, null), r -> r.status() == 404);
  }

  private boolean savedRunning;

  private void saveOnce(String name) {
    if (!savedRunning) {
      savedRunning = true;
      try {
        Screenshots.save(driver, name);
      } catch (Exception ignored) {
        // a screenshot is a by-product; the assertions decide
      }
    }
  }

  private String stages() {
    try {
      return driver.findElements(By.cssSelector("[data-stage]")).stream()
          .map(s -> s.getAttribute("data-stage") + "=" + s.getAttribute("data-state")).toList().toString();
    } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
      return "(redrawn while read)";
    }
  }
}
