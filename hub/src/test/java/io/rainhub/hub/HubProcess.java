package io.rainhub.hub;

import io.rainhub.testing.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The packaged hub jar as a child process (see {@link ChildProcess}). */
final class HubProcess {

  static final String READY_LINE = "Rain Hub serving";

  private HubProcess() {
  }

  static ChildProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
    return ChildProcess.java("hub", workDir, env, ChildProcess.existingJar(Path.of("target", "rainhub.jar")), args);
  }

  static int freePort() throws IOException {
    return ChildProcess.freePort();
  }
}
