package io.rainhub.ui;

import io.rainhub.ui.harness.Chromium;
import io.rainhub.ui.harness.HubProcess;
import io.rainhub.ui.harness.Screenshots;
import io.rainhub.ui.harness.UiPage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;

/**
 * One hub process and one headless Chromium per test class; each test starts logged out at
 * 1280×800. A failed test leaves a screenshot (target/screenshots/failed-*.png) and prints the
 * browser's console and the end of the hub's log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTest {

  static final String PASSWORD = "ui-tests-admin-password";

  @TempDir
  static Path work;

  HubProcess hub;
  ChromeDriver driver;
  UiPage ui;

  /** Options of {@code rainhub serve} beyond host, port and data directory. */
  String[] hubOptions() {
    return new String[0];
  }

  /** The hub's directory and --data-dir. */
  Path hubDir() throws IOException {
    return work.resolve("hub");
  }

  @BeforeAll
  void startHubAndBrowser() throws Exception {
    // Run as root, the postgresql recipe runs PostgreSQL as 'postgres', who must reach the nodes' directories.
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    hub = HubProcess.start(hubDir(), PASSWORD, hubOptions());
    driver = Chromium.start();
    ui = new UiPage(driver, hub);
  }

  @AfterEach
  void logOut() {
    if (driver.getCurrentUrl().startsWith(hub.url("/"))) {
      ui.script("sessionStorage.clear(); localStorage.clear();");
    }
    driver.get("about:blank");
    driver.manage().window().setSize(new Dimension(1280, 800));
  }

  @AfterAll
  void stopHubAndBrowser() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (hub != null) {
      hub.close();
    }
    Path dir = hubDir();
    if (!dir.startsWith(work) && Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  @RegisterExtension
  final TestWatcher onFailure = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      try {
        String name = "failed-" + context.getRequiredTestClass().getSimpleName() + "-"
            + context.getRequiredTestMethod().getName();
        System.out.println("screenshot: " + Screenshots.save(driver, name) + " (page " + driver.getCurrentUrl() + ")");
        driver.manage().logs().get(LogType.BROWSER).forEach(entry -> System.out.println("console: " + entry));
      } catch (Exception ignored) {
        // the browser may be the thing that failed
      }
      String log = hub.output();
      System.out.println("hub log (end):\n" + log.substring(Math.max(0, log.length() - 4000)));
    }
  };
}
