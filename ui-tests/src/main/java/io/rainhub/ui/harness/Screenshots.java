package io.rainhub.ui.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * Screenshots of the views: always into ui-tests/target/screenshots/, and into docs/screenshots/
 * (the README's) when -Dui.screenshots.update=true or UI_SCREENSHOTS_UPDATE=true.
 */
public final class Screenshots {

  private Screenshots() {
  }

  public static boolean updateDocs() {
    return "true".equals(System.getProperty("ui.screenshots.update"))
        || "true".equals(System.getenv("UI_SCREENSHOTS_UPDATE"));
  }

  /** Saves {@code name}.png and returns where it went in target/. */
  public static Path save(WebDriver driver, String name) throws IOException {
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Path target = Files.createDirectories(Checkout.path("ui-tests", "target", "screenshots")).resolve(name + ".png");
    Files.write(target, png);
    if (updateDocs()) {
      Path docs = Files.createDirectories(Checkout.path("docs", "screenshots")).resolve(name + ".png");
      Files.copy(target, docs, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }
}
