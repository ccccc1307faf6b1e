package io.rainhub.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.ChildProcess;
import io.rainhub.ui.harness.Checkout;
import io.rainhub.ui.harness.HubClient;
import io.rainhub.ui.harness.Screenshots;
import io.rainhub.ui.harness.UiPage;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * A real rain-agent mothership process on the live map: it appears, a component deployed and
 * instantiated from the UI lands on it, and kill -9 turns it LOST — each without a reload. The
 * hub heartbeats every 500 ms with a 1.5 s TTL, so LOST comes within two seconds of the kill.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MapIT extends BrowserTest {

  private static final Duration AGENT_START = Duration.ofSeconds(60);
  private static final String AGENT = "ui-mothership-1";
  private static final String COMPONENT = "uiweb";

  private ChildProcess agent;

  @Override
  String[] hubOptions() {
    return new String[] {"--heartbeat-interval-ms", "500", "--agent-ttl-ms", "1500", "--agent-reconnect-max-ms", "1000"};
  }

  @AfterAll
  void stopAgent() throws Exception {
    if (agent != null) {
      agent.close();
    }
  }

  /** A mothership agent whose start script for the test's component succeeds. */
  private void startAgent() throws Exception {
    Path scripts = Files.createDirectories(work.resolve("scripts").resolve(COMPONENT).resolve("1.0"));
    Files.writeString(scripts.resolve("start.sh"), "#!/bin/bash\necho started \"$RAIN_INPUT_INSTANCEID\"\n");
    Path dir = Files.createDirectories(work.resolve("agent"));
    agent = ChildProcess.java(AGENT, dir, Map.of(), Checkout.file("agent-client", "target", "rain-agent.jar"),
        "--hub", "ws://127.0.0.1:" + hub.port(), "--token", hub.admin().agentToken(AGENT),
        "--kind", "mothership", "--name", AGENT, "--capacity", "cpu=4,ramMb=4096,bandwidthMbps=100",
        "--scripts", work.resolve("scripts").toString(), "--state-dir", dir.resolve("state").toString());
  }

  /** Tests 2 and 3 run on test 1's agent; alone, they start it. */
  private void ensureAgent() throws Exception {
    if (agent == null) {
      startAgent();
    }
  }

  private By mothership() {
    return By.xpath("//*[@id='map-list']//*[@data-kind='mothership'][contains(., '" + AGENT + "')]");
  }

  @Test
  @Order(1)
  void aRealAgentsMothershipAppearsOnTheMapWithoutAReload() throws Exception {
    ui.logInAsAdmin();
    ui.markPage();
    startAgent();
    WebElement node = ui.waitFor(mothership(), AGENT_START);
    String mothershipId = hub.admin().awaitMothership(AGENT, Duration.ofSeconds(5)).getString("id");
    assertThat(node.getAttribute("data-node-id")).isEqualTo(mothershipId);
    assertThat(node.getText()).containsIgnoringCase("mothership").containsIgnoringCase(node.getAttribute("data-state"));
    assertThat(ui.stillMarked()).as("shown live, without a reload").isTrue();
    WebElement canvas = driver.findElement(By.id("map-canvas"));
    assertThat(canvas.isDisplayed()).isTrue();
    assertThat(canvas.getSize().getWidth() * canvas.getSize().getHeight()).as("the canvas has room").isGreaterThan(0);
    assertThat(canvas.findElements(By.tagName("canvas"))).as("cytoscape drew into #map-canvas").isNotEmpty();
    Screenshots.save(driver, "map");
  }

  @Test
  @Order(2)
  void aComponentDeployedAndInstantiatedFromTheUiShowsOnTheMap() throws Exception {
    ensureAgent();
    ui.logInAsAdmin();
    ui.waitFor(mothership(), AGENT_START);
    ui.show("components");
    WebElement descriptor = ui.waitFor(By.id("descriptor"), UiPage.SOON);
    descriptor.clear();
    descriptor.sendKeys(new JsonObject().put("id", COMPONENT).put("version", "1.0")
        .put("urls", List.of("/" + COMPONENT + "/*"))
        .put("resources", Map.of("cpu", 1, "ramMb", 256, "bandwidthMbps", 1)).encodePrettily());
    driver.findElement(UiPage.button("Deploy")).click();
    WebElement component = ui.waitFor(By.cssSelector("[data-component-id*='" + COMPONENT + "']"), UiPage.SOON);
    UiPage.button(component, "Instantiate").click();
    WebElement instance = ui.waitFor(By.cssSelector("[data-instance-id]"), UiPage.SOON);
    String instanceId = instance.getAttribute("data-instance-id");
    ui.waitForAttribute(By.cssSelector("[data-instance-id='" + instanceId + "']"), "data-state", "RUNNING",
        Duration.ofSeconds(30));
    assertThat(hub.admin().get("/webcomponent/" + instanceId).getString("state")).isEqualTo("RUNNING");
    Screenshots.save(driver, "components");

    ui.show("map");
    WebElement onMap = ui.waitFor(By.cssSelector("#map-list [data-kind='instance'][data-node-id*='" + instanceId + "']"),
        UiPage.SOON);
    assertThat(onMap.getText()).containsIgnoringCase("instance");
  }

  @Test
  @Order(3)
  void killDashNineTurnsTheMothershipLostWithoutAReload() throws Exception {
    ensureAgent();
    ui.logInAsAdmin();
    WebElement node = ui.waitFor(mothership(), AGENT_START);
    String id = node.getAttribute("data-node-id");
    assertThat(node.getAttribute("data-state")).isNotEqualTo("LOST");
    ui.markPage();
    long killed = System.nanoTime();
    agent.kill();
    ui.waitForAttribute(By.cssSelector("#map-list [data-node-id='" + id + "']"), "data-state", "LOST",
        Duration.ofSeconds(10));
    System.out.println("kill -9 to LOST on the map: " + (System.nanoTime() - killed) / 1_000_000 + " ms");
    assertThat(ui.stillMarked()).as("turned LOST live, without a reload").isTrue();
    assertThat(HubClient.await("LOST in the API", Duration.ofSeconds(5), () -> hub.admin().get("/mothership/" + id),
        m -> true).getString("state")).isEqualTo("LOST");
    assertThat(driver.findElement(By.cssSelector("#map-list [data-node-id='" + id + "']")).getText())
        .containsIgnoringCase("LOST");
    Screenshots.save(driver, "map-lost");
  }
}
