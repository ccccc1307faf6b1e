package io.rainhub.testing;

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

/**
 * A child JVM running one of the project's jars (the hub, the agent) as an operator runs it, whose
 * output a test can wait on. Variables starting with RAINHUB_ or RAIN_AGENT_ are not inherited,
 * so the test's own environment cannot leak into the child's configuration.
 */
public final class ChildProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private ChildProcess(String name, Process process) {
    this.name = name;
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
    }, name + "-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** The jar, or a failure saying it must be packaged first. */
  public static Path existingJar(Path jar) {
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath().normalize() + " is missing: integration tests run after"
          + " 'package' of the whole reactor (./mvnw verify)");
    }
    return jar.toAbsolutePath().normalize();
  }

  /** {@code java -Xmx256m -jar jar args...} in {@code workDir}, with {@code env} added. */
  public static ChildProcess java(String name, Path workDir, Map<String, String> env, Path jar, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(key -> key.startsWith("RAINHUB_") || key.startsWith("RAIN_AGENT_"));
    builder.environment().putAll(env);
    return new ChildProcess(name, builder.start());
  }

  /** Waits for a line containing {@code text}; fails with everything printed so far. */
  public String awaitLine(String text, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      for (String line : output) {
        if (line.contains(text)) {
          return line;
        }
      }
      if (!process.isAlive()) {
        Thread.sleep(200); // let the pump drain the last lines
        if (output.stream().noneMatch(line -> line.contains(text))) {
          throw new AssertionError(name + " exited (" + process.exitValue() + ") without printing '" + text + "':\n"
              + output());
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(name + ": no '" + text + "' within " + timeout + ":\n" + output());
  }

  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still running after " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  public String output() {
    return String.join("\n", output);
  }

  /** SIGTERM, as an operator's service manager sends; true when the process exited within {@code timeout}. */
  public boolean terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** kill -9: no shutdown hook, no flush, nothing graceful. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Sends a signal by name, e.g. STOP (the process hangs, as on a stalled VM) or CONT. */
  public void signal(String name) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited " + exit);
    }
  }

  public boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      signalQuietly("CONT"); // a stopped process would ignore SIGTERM until continued
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  private void signalQuietly(String name) {
    try {
      new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    } catch (IOException | InterruptedException ignored) {
      // best effort: close() goes on to SIGTERM and, if need be, SIGKILL
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
