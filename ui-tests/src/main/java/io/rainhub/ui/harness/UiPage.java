package io.rainhub.ui.harness;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The admin UI through the hooks of docs/ui.md: what the tests and the benchmark do in the page. */
public final class UiPage {

  public static final Duration SOON = Duration.ofSeconds(10);

  private final WebDriver driver;
  private final HubProcess hub;

  public UiPage(WebDriver driver, HubProcess hub) {
    this.driver = driver;
    this.hub = hub;
  }

  public WebDriver driver() {
    return driver;
  }

  public void open(String path) {
    driver.get(hub.url(path));
  }

  /** The input a {@code <label for>} with this text names. */
  public WebElement labelled(String text) {
    WebElement label = waitFor(By.xpath("//label[normalize-space()='" + text + "']"), SOON);
    String id = label.getAttribute("for");
    if (id == null || id.isBlank()) {
      throw new AssertionError("the label '" + text + "' names no input (no for attribute)");
    }
    return driver.findElement(By.id(id));
  }

  public static By button(String text) {
    return By.xpath("//button[normalize-space()='" + text + "']");
  }

  /** The button with this text inside {@code scope}. */
  public static WebElement button(WebElement scope, String text) {
    return scope.findElement(By.xpath(".//button[normalize-space()='" + text + "']"));
  }

  public WebElement waitFor(By by, Duration timeout) {
    return new WebDriverWait(driver, timeout).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  public void waitUntilGone(By by, Duration timeout) {
    new WebDriverWait(driver, timeout).until(ExpectedConditions.numberOfElementsToBe(by, 0));
  }

  /** Waits until the element has this attribute value; fails naming the last value seen. */
  public WebElement waitForAttribute(By by, String attribute, String value, Duration timeout) {
    new WebDriverWait(driver, timeout).withMessage(() -> by + " " + attribute + "=" + value + "; last seen: "
            + driver.findElements(by).stream().map(e -> e.getAttribute(attribute)).toList())
        .until(d -> d.findElements(by).stream().anyMatch(e -> value.equals(e.getAttribute(attribute))));
    return driver.findElements(by).stream().filter(e -> value.equals(e.getAttribute(attribute))).findFirst()
        .orElseThrow();
  }

  /** Logs in through the form and waits for the map, the default view after login. */
  public void logIn(String username, String password) {
    open("/ui/login");
    labelled("Username").sendKeys(username);
    labelled("Password").sendKeys(password);
    driver.findElement(button("Log in")).click();
    new WebDriverWait(driver, SOON).withMessage(() -> "no map after logging in as " + username + "; at "
        + driver.getCurrentUrl()).until(d -> d.getCurrentUrl().endsWith("/ui/map"));
    waitFor(By.id("map-list"), SOON);
  }

  public void logInAsAdmin() {
    logIn("admin", hub.password());
  }

  /** Clicks a navigation link of docs/ui.md ({@code data-view}). */
  public void show(String view) {
    waitFor(By.cssSelector("nav [data-view='" + view + "']"), SOON).click();
  }

  public Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** A mark in the page's window: gone after any reload, so a live update can prove it needed none. */
  public void markPage() {
    script("window.__uiTestMark = 'no reload since';");
  }

  public boolean stillMarked() {
    return "no reload since".equals(script("return window.__uiTestMark || null;"));
  }

  /**
   * Every JWT the page keeps in sessionStorage or localStorage, in whatever value, gets exp=1 (1970)
   * and so a signature that no longer matches: expired to the page, forged to the hub. The count replaced.
   */
  public Object expireStoredTokens() {
    return script("""
        const expire = jwt => {
          const [h, p, s] = jwt.split('.');
          const claims = JSON.parse(atob(p.replace(/-/g, '+').replace(/_/g, '/')));
          claims.exp = 1;
          const body = btoa(JSON.stringify(claims)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
          return h + '.' + body + '.' + s;
        };
        let count = 0;
        for (const store of [sessionStorage, localStorage]) {
          for (let i = 0; i < store.length; i++) {
            const key = store.key(i);
            const value = store.getItem(key);
            const next = value.replace(/[\\w-]{10,}\\.[\\w-]{10,}\\.[\\w-]{10,}/g, m => { count++; return expire(m); });
            store.setItem(key, next);
          }
        }
        return count;""");
  }

  /** A WebSocket opened or closed by the page, from the DevTools Network events of the performance log. */
  public record SocketEvent(boolean opened, String requestId, String url) {
  }

  /** WebSocket events since the last call (reading the performance log drains it). */
  public List<SocketEvent> webSocketEvents() {
    List<SocketEvent> events = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE).getAll()) {
      JsonObject message = new JsonObject(entry.getMessage()).getJsonObject("message");
      String method = message.getString("method");
      JsonObject params = message.getJsonObject("params", new JsonObject());
      if ("Network.webSocketCreated".equals(method)) {
        events.add(new SocketEvent(true, params.getString("requestId"), params.getString("url")));
      } else if ("Network.webSocketClosed".equals(method)) {
        events.add(new SocketEvent(false, params.getString("requestId"), null));
      }
    }
    return events;
  }
}
