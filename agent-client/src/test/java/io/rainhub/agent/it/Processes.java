package io.rainhub.agent.it;

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

/** A child JVM (the hub's jar or the agent's) whose output the test can wait on. */
final class Processes implements AutoCloseable {

  private final String name;
  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();

  private Processes(String name, Process process) {
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

  /** The hub's jar is built by the hub module, which the reactor builds before this one. */
  static Path hubJar() {
    return existing(Path.of("..", "hub", "target", "rainhub.jar"));
  }

  static Path agentJar() {
    return existing(Path.of("target", "rain-agent.jar"));
  }

  private static Path existing(Path jar) {
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath().normalize() + " is missing: these tests run after"
          + " 'package' of the whole reactor (./mvnw verify)");
    }
    return jar.toAbsolutePath().normalize();
  }

  static Processes java(String name, Path workDir, Map<String, String> env, Path jar, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(key -> key.startsWith("RAINHUB_") || key.startsWith("RAIN_AGENT_"));
    builder.environment().putAll(env);
    return new Processes(name, builder.start());
  }

  String awaitLine(String text, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      for (String line : output) {
        if (line.contains(text)) {
          return line;
        }
      }
      if (!process.isAlive()) {
        Thread.sleep(200);
        if (output.stream().noneMatch(line -> line.contains(text))) {
          throw new AssertionError(name + " exited (" + process.exitValue() + ") without printing '" + text + "':\n"
              + output());
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(name + ": no '" + text + "' within " + timeout + ":\n" + output());
  }

  String output() {
    return String.join("\n", output);
  }

  /** kill -9: nothing graceful. */
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
