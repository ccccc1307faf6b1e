package io.rainhub.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One clustered hub process of the takeover benchmark (hub/target/rainhub.jar serve --cluster) on
 * fixed HTTP and cluster ports, so a killed hub restarts where it was. Every line it prints is kept
 * with the moment it was read, so the benchmark times log lines (the new leader's "This hub runs
 * the hypervisor") against the kill; the lines also go to a log file, one per hub, appended across
 * restarts.
 */
final class ClusteredHub {

  /** A line of the hub's output and when this JVM read it ({@link System#nanoTime}). */
  record Line(long nanos, String text) {}

  final String name;
  final int httpPort;
  private final int clusterPort;
  private final Path log;
  private final List<String> launcher;
  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private volatile Process process;
  /** The running process printed {@link TakeoverBenchmark#SERVING}: its HTTP port answers. */
  private volatile boolean serving;
  private int starts;

  /**
   * @param launcher {@code java [flags] -jar rainhub.jar serve} and the flags every hub shares;
   *     this hub adds its own ports and data directory
   */
  ClusteredHub(String name, int httpPort, int clusterPort, Path log, List<String> launcher) {
    this.name = name;
    this.httpPort = httpPort;
    this.clusterPort = clusterPort;
    this.log = log;
    this.launcher = launcher;
  }

  void start(Path dataDir, String password) throws IOException {
    List<String> command = new ArrayList<>(launcher);
    command.addAll(List.of("--port", Integer.toString(httpPort), "--cluster-port", Integer.toString(clusterPort),
        "--data-dir", dataDir.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // the hub must take its settings from this command line only
    builder.environment().keySet().removeIf(key -> key.startsWith("RAINHUB_") || key.startsWith("RAIN_AGENT_"));
    builder.environment().put("RAINHUB_ADMIN_PASSWORD", password);
    lines.clear();
    serving = false;
    starts++;
    Process started = builder.start();
    process = started;
    Thread pump = new Thread(() -> pump(started, starts), name + "-output");
    pump.setDaemon(true);
    pump.start();
  }

  private void pump(Process started, int start) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(started.getInputStream(),
        StandardCharsets.UTF_8));
         PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
             StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
      file.println("---- " + name + " start " + start + " (pid " + started.pid() + ")");
      for (String text = reader.readLine(); text != null; text = reader.readLine()) {
        if (process == started) { // a killed process's last buffered lines are not the new one's
          lines.add(new Line(System.nanoTime(), text));
          serving = serving || text.contains(TakeoverBenchmark.SERVING);
        }
        file.println(text);
        file.flush();
      }
    } catch (IOException ended) {
      // the process went away
    }
  }

  /**
   * The first line containing {@code text} printed by the running process; fails after
   * {@code timeoutMs} or when the process exits without printing it.
   */
  Line await(String text, long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      Line seen = find(text);
      if (seen != null) {
        return seen;
      }
      Process running = process;
      if (running == null || !running.isAlive()) {
        BoundedWaits.sleep(200); // let the pump drain the last lines
        seen = find(text);
        if (seen != null) {
          return seen;
        }
        throw new BenchmarkFailure(name + " exited without printing '" + text + "'; its log:\n" + Programs.tail(log));
      }
      if (System.nanoTime() > deadline) {
        throw new BenchmarkFailure(name + " printed no '" + text + "' within " + timeoutMs + " ms; its log:\n"
            + Programs.tail(log));
      }
      BoundedWaits.sleep(10);
    }
  }

  /** The first line containing {@code text} since the process started, or null. */
  Line find(String text) {
    for (Line line : lines) {
      if (line.text().contains(text)) {
        return line;
      }
    }
    return null;
  }

  /** The first line containing {@code text} read after {@code sinceNanos}, or null. */
  Line findAfter(String text, long sinceNanos) {
    for (Line line : lines) {
      if (line.nanos() >= sinceNanos && line.text().contains(text)) {
        return line;
      }
    }
    return null;
  }

  boolean alive() {
    Process running = process;
    return running != null && running.isAlive();
  }

  /** Alive and listening: what a client would send requests to. */
  boolean serving() {
    return serving && alive();
  }

  long pid() {
    Process running = process;
    return running == null ? -1 : running.pid();
  }

  /** kill -9: no shutdown hook, no lease release, nothing graceful. The moment of the kill. */
  long kill() {
    Process running = process;
    long killed = System.nanoTime();
    if (running != null) {
      running.destroyForcibly();
      try {
        running.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return killed;
  }

  /** Ends the process for good (the benchmark is done or failed). */
  void stop() {
    Process running = process;
    if (running != null && running.isAlive()) {
      running.destroyForcibly();
      try {
        running.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
