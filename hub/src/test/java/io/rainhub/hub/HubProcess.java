package io.rainhub.hub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** {@code java -jar hub/target/rainhub.jar ...} as a real child process, with its output captured. */
final class HubProcess implements AutoCloseable {

  static final String READY_LINE = "Rain Hub serving";

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private HubProcess(Process process) {
    this.process = process;
    Thread pump = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          output.add(line);
        }
      } catch (IOException ended) {
        // the process went away
      }
    }, "hub-process-output");
    pump.setDaemon(true);
    pump.start();
  }

  static Path jar() {
    Path jar = Path.of("target", "rainhub.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath() + " is missing: integration tests run after 'package'");
    }
    return jar;
  }

  static HubProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", jar().toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("RAINHUB_"));
    builder.environment().putAll(env);
    return new HubProcess(builder.start());
  }

  /** Waits for a line containing {@code text}; fails with everything printed so far. */
  String awaitLine(String text, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      for (String line : output) {
        if (line.contains(text)) {
          return line;
        }
      }
      if (!process.isAlive() && output.stream().noneMatch(line -> line.contains(text))) {
        Thread.sleep(200); // let the pump drain the last lines
        if (output.stream().noneMatch(line -> line.contains(text))) {
          throw new AssertionError("hub exited (" + process.exitValue() + ") without printing '" + text + "':\n"
              + String.join("\n", output));
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no '" + text + "' within " + timeout + ":\n" + String.join("\n", output));
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("hub still running after " + timeout + ":\n" + String.join("\n", output));
    }
    return process.exitValue();
  }

  String output() {
    return String.join("\n", output);
  }

  /** kill -9: no shutdown hook, no flush, nothing graceful. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
