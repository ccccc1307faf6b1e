package io.rainhub.ui.harness;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium driven through Debian's chromedriver. The driver and the browser are given
 * explicitly, so Selenium Manager is never asked to find (or download) either.
 */
public final class Chromium {

  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  public static final Path BROWSER = Path.of("/usr/bin/chromium");

  private Chromium() {
  }

  /** A fresh browser at 1280×800; {@code extraArgs} for the benchmark (e.g. precise memory info). */
  public static ChromeDriver start(String... extraArgs) {
    for (Path required : List.of(DRIVER, BROWSER)) {
      if (!Files.isExecutable(required)) {
        throw new IllegalStateException(required + " is missing: install Debian's packages chromium and"
            + " chromium-driver (bin/test does, as root: apt-get install chromium chromium-driver)");
      }
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(DRIVER.toString()))
        .usingAnyFreePort()
        .withTimeout(Duration.ofSeconds(30))
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800",
        "--disable-gpu", "--no-first-run", "--disable-extensions");
    options.addArguments(extraArgs);
    // The performance log carries the DevTools Network events: how the tests count WebSockets.
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    options.setExperimentalOption("perfLoggingPrefs", Map.of("enableNetwork", true, "enablePage", false));
    return new ChromeDriver(service, options);
  }
}
