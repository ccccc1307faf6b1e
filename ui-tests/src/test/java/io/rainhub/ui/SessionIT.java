package io.rainhub.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.ui.harness.Chromium;
import io.rainhub.ui.harness.HubClient;
import io.rainhub.ui.harness.Screenshots;
import io.rainhub.ui.harness.UiPage;
import io.rainhub.ui.harness.UiPage.SocketEvent;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Logging in and out, the session's token, URLs and reloads, the admin views' guard, the narrow
 * layout, the keyboard, and the tab's one live connection: docs/ui.md's hooks in a real browser.
 */
class SessionIT extends BrowserTest {

  private static final By ALERT = By.cssSelector("[role=alert]");

  /** The harness, whatever the UI: Debian's browser is the one driven, / leads to /ui/, screenshots land. */
  @Test
  void debiansChromiumOpensTheHubsUiAndScreenshotsAreSaved() throws Exception {
    Process version = new ProcessBuilder(Chromium.BROWSER.toString(), "--version").redirectErrorStream(true).start();
    String installed = new String(version.getInputStream().readAllBytes())
        .replaceAll("(?s).*?(\\d+\\.\\d+\\.\\d+\\.\\d+).*", "$1");
    assertThat(driver.getCapabilities().getBrowserVersion()).as("the browser driven is " + Chromium.BROWSER)
        .isEqualTo(installed);
    driver.get(hub.url("/"));
    assertThat(driver.getCurrentUrl()).as("/ leads to the UI").startsWith(hub.url("/ui/"));
    byte[] png = Files.readAllBytes(Screenshots.save(driver, "first-page"));
    assertThat(new String(png, 1, 3)).as("a PNG").isEqualTo("PNG");
    assertThat(png.length).isGreaterThan(1000);
  }

  @Test
  void theLabelledFormLogsInToTheLiveMapAndLogOutEndsTheSession() throws Exception {
    ui.open("/ui/login");
    ui.labelled("Username");
    Screenshots.save(driver, "login");
    ui.logInAsAdmin();
    ui.waitForAttribute(By.id("live-status"), "data-state", "live", UiPage.SOON);
    assertThat(driver.findElement(By.id("live-status")).getText()).containsIgnoringCase("live");
    for (String view : List.of("map", "nodes", "components", "topologies", "events", "admin")) {
      assertThat(driver.findElements(By.cssSelector("nav [data-view='" + view + "']"))).as("nav link " + view).hasSize(1);
    }

    driver.findElement(UiPage.button("Log out")).click();
    new WebDriverWait(driver, UiPage.SOON).until(d -> d.getCurrentUrl().contains("/ui/login"));
    ui.open("/ui/map");
    new WebDriverWait(driver, UiPage.SOON).withMessage("after logout /ui/map must ask for a login again")
        .until(d -> d.getCurrentUrl().contains("/ui/login"));
  }

  @Test
  void aWrongPasswordShowsAnErrorAndStaysOnTheLogin() {
    ui.open("/ui/login");
    ui.labelled("Username").sendKeys("admin");
    ui.labelled("Password").sendKeys("not-the-password");
    driver.findElement(UiPage.button("Log in")).click();
    WebElement alert = ui.waitFor(ALERT, UiPage.SOON);
    assertThat(alert.getText()).isNotBlank();
    assertThat(driver.getCurrentUrl()).contains("/ui/login");
    assertThat(driver.findElements(By.id("map-list"))).isEmpty();
  }

  @Test
  void tabReachesTheLoginInputsAndEnterSubmits() {
    ui.open("/ui/login");
    WebElement username = ui.labelled("Username");
    WebElement password = ui.labelled("Password");
    ui.script("if (document.activeElement) document.activeElement.blur();");
    // From the top of the page, as a keyboard user arrives: Tab until the Username input has focus.
    for (int presses = 0; presses < 15 && !username.equals(driver.switchTo().activeElement()); presses++) {
      new Actions(driver).sendKeys(Keys.TAB).perform();
    }
    assertThat(driver.switchTo().activeElement()).as("Tab reaches the Username input").isEqualTo(username);
    username.sendKeys("admin");
    new Actions(driver).sendKeys(Keys.TAB).perform();
    assertThat(driver.switchTo().activeElement()).as("the next Tab is the Password input").isEqualTo(password);
    password.sendKeys(PASSWORD, Keys.ENTER);
    new WebDriverWait(driver, UiPage.SOON).until(d -> d.getCurrentUrl().endsWith("/ui/map"));
    ui.waitFor(By.id("map-list"), UiPage.SOON);
  }

  @Test
  void aDeepLinkSurvivesAReload() {
    ui.logInAsAdmin();
    ui.open("/ui/topologies");
    ui.waitFor(By.id("example"), UiPage.SOON);
    driver.navigate().refresh();
    ui.waitFor(By.id("example"), UiPage.SOON);
    assertThat(driver.getCurrentUrl()).isEqualTo(hub.url("/ui/topologies"));
    assertThat(driver.findElements(By.cssSelector("nav [data-view='topologies']"))).hasSize(1);
  }

  @Test
  void anExpiredOrForgedTokenSendsTheUserToLoginWithAMessage() {
    ui.logInAsAdmin();
    Object replaced = ui.expireStoredTokens();
    assertThat(replaced).as("the page keeps its token in sessionStorage").isNotEqualTo(0L);
    driver.navigate().refresh();
    new WebDriverWait(driver, UiPage.SOON).withMessage(() -> "still at " + driver.getCurrentUrl())
        .until(d -> d.getCurrentUrl().contains("/ui/login"));
    assertThat(ui.waitFor(ALERT, UiPage.SOON).getText()).as("the login says why").isNotBlank();
    ui.labelled("Username");
  }

  @Test
  void aPlainUserSeesNoAdminLinkAndIsRefusedTheAdminViews() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    HubClient admin = hub.admin();
    admin.createUser("plain-" + suffix, "plain-" + suffix, "plain-password-" + suffix);
    admin.createUser("other-" + suffix, "secret-user-" + suffix, "other-password-" + suffix);

    ui.logIn("plain-" + suffix, "plain-password-" + suffix);
    ui.waitFor(By.cssSelector("nav [data-view='map']"), UiPage.SOON);
    assertThat(driver.findElements(By.cssSelector("nav [data-view='admin']"))).as("no admin link").isEmpty();

    ui.open("/ui/admin/users");
    new WebDriverWait(driver, UiPage.SOON).withMessage("a refusal: an alert, or being sent away from /ui/admin")
        .until(d -> !d.getCurrentUrl().contains("/ui/admin") || !d.findElements(ALERT).isEmpty());
    String page = driver.findElement(By.tagName("body")).getText();
    assertThat(page).doesNotContain("secret-user-" + suffix).doesNotContain("other-" + suffix);
  }

  @Test
  void theAdminViewsListUsersForAnAdmin() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    hub.admin().createUser("listed-" + suffix, "listed-" + suffix, "listed-password-" + suffix);
    ui.logInAsAdmin();
    ui.show("admin");
    ui.open("/ui/admin/users");
    new WebDriverWait(driver, UiPage.SOON).withMessage("the admin's users view lists the new user")
        .until(d -> d.findElement(By.tagName("body")).getText().contains("listed-" + suffix));
    Screenshots.save(driver, "admin-users");
  }

  @Test
  void at420PixelsTheNavAndTheMapListFitWithoutHorizontalScrolling() throws Exception {
    ui.logInAsAdmin();
    driver.manage().window().setSize(new Dimension(420, 800));
    ui.open("/ui/map");
    ui.waitFor(By.id("map-list"), UiPage.SOON);
    assertThat(driver.findElement(By.tagName("nav")).isDisplayed()).isTrue();
    long viewport = (Long) ui.script("return window.innerWidth;");
    long scroll = (Long) ui.script("return document.documentElement.scrollWidth;");
    assertThat(viewport).isLessThanOrEqualTo(420);
    assertThat(scroll).as("no horizontal overflow at " + viewport + " px").isLessThanOrEqualTo(420);
    Screenshots.save(driver, "narrow-map");
  }

  @Test
  void theTabHoldsExactlyOneWebSocketTheEventStreamAcrossViews() throws Exception {
    ui.webSocketEvents(); // drop what earlier pages left in the log
    ui.logInAsAdmin();
    for (String view : List.of("nodes", "components", "topologies", "events", "map")) {
      ui.show(view);
      Thread.sleep(300);
    }
    ui.waitForAttribute(By.id("live-status"), "data-state", "live", UiPage.SOON);
    Thread.sleep(500);
    List<SocketEvent> events = ui.webSocketEvents();
    Map<String, String> open = new HashMap<>();
    for (SocketEvent event : events) {
      if (event.opened()) {
        open.put(event.requestId(), event.url());
      } else {
        open.remove(event.requestId());
      }
    }
    System.out.println("WebSocket events in the tab: " + events);
    assertThat(open.values()).as("open WebSockets").hasSize(1);
    assertThat(open.values().iterator().next()).contains("/v1.0/events/ws");
    assertThat(events.stream().filter(SocketEvent::opened).count()).as("opened while moving between views")
        .isEqualTo(1);
  }
}
