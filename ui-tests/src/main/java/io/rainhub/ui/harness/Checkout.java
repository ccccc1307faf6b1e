package io.rainhub.ui.harness;

import io.rainhub.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the project's checkout: the jars the reactor built, config/, docs/. */
public final class Checkout {

  private Checkout() {
  }

  /** The checkout's root: the working directory (bin/bench-ui) or its parent (ui-tests under Maven). */
  public static Path root() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("ui-tests").resolve("pom.xml")) ? here : here.getParent();
  }

  public static Path path(String first, String... more) {
    return root().resolve(Path.of(first, more)).normalize();
  }

  /** A jar of the build, or a failure saying the reactor must be packaged first. */
  public static Path file(String first, String... more) {
    return ChildProcess.existingJar(path(first, more));
  }
}
