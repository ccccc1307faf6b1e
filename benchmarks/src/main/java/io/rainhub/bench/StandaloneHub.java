package io.rainhub.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One standalone hub process ({@code rainhub.jar serve --port 0}): the hub picks its own free port,
 * which is read from its {@code Rain Hub serving http://HOST:PORT} line, so no port is guessed and
 * raced for. Its output goes to a log file.
 */
final class StandaloneHub {

  private static final Pattern SERVING = Pattern.compile("Rain Hub serving (https?://\\S+)");

  private final Path log;
  private volatile Process process;
  private volatile URI uri;

  private StandaloneHub(Path log) {
    this.log = log;
  }

  /** Starts {@code command} (java … serve …) with only the admin password from the environment. */
  static StandaloneHub start(List<String> command, String password, Path log) throws IOException {
    StandaloneHub hub = new StandaloneHub(log);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // the hub must take its settings from this command line only
    builder.environment().keySet().removeIf(key -> key.startsWith("RAINHUB_") || key.startsWith("RAIN_AGENT_"));
    builder.environment().put("RAINHUB_ADMIN_PASSWORD", password);
    Files.deleteIfExists(log);
    hub.process = builder.start();
    Thread pump = new Thread(hub::pump, "hub-output");
    pump.setDaemon(true);
    pump.start();
    return hub;
  }

  private void pump() {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
         PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
      for (String text = reader.readLine(); text != null; text = reader.readLine()) {
        Matcher serving = SERVING.matcher(text);
        if (uri == null && serving.find()) {
          uri = URI.create(serving.group(1));
        }
        file.println(text);
        file.flush();
      }
    } catch (IOException ended) {
      // the process went away
    }
  }

  /** The address it serves once it printed so; fails when it exits first or after {@code timeoutMs}. */
  URI awaitServing(long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (uri == null) {
      if (!process.isAlive()) {
        BoundedWaits.sleep(200); // let the pump drain the last lines
        if (uri != null) {
          break;
        }
        throw new BenchmarkFailure("the hub exited (" + process.exitValue() + ") before serving; its log:\n"
            + Programs.tail(log));
      }
      if (System.nanoTime() > deadline) {
        throw new BenchmarkFailure("the hub did not serve within " + timeoutMs + " ms; its log:\n" + Programs.tail(log));
      }
      BoundedWaits.sleep(50);
    }
    return uri;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** SIGTERM, then SIGKILL after 15 s: the hub's shutdown hook closes the embedded database. */
  void stop() {
    Process running = process;
    if (running == null || !running.isAlive()) {
      return;
    }
    running.destroy();
    try {
      if (!running.waitFor(15, TimeUnit.SECONDS)) {
        running.destroyForcibly();
        running.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
