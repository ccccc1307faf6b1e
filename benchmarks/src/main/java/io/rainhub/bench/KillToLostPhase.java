package io.rainhub.bench;

import static io.rainhub.bench.BoundedWaits.await;
import static io.rainhub.bench.BoundedWaits.sleep;
import static io.rainhub.bench.Progress.say;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * e. kill -9 to LOST: {@code --kills} times, the real rain-agent.jar is started, awaited
 * AVAILABLE, killed with SIGKILL, and {@code GET /mothership/{id}} is polled every
 * {@link #POLL_MS} ms until the hub calls the node LOST; held to the TTL plus
 * {@link AgentBenchmark#LOST_SLACK_MS}.
 */
final class KillToLostPhase extends AgentBenchmarkPhase {

  private static final long POLL_MS = 20;

  KillToLostPhase(AgentBenchmarkRig rig) {
    super(rig);
  }

  void run() throws Exception {
    if (options.kills == 0) {
      return;
    }
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    if (options.agentJar == null || !Files.isRegularFile(options.agentJar)) {
      throw new BenchmarkFailure("the kill -9 phase runs rain-agent.jar: give --agent-jar "
          + "agent-client/target/rain-agent.jar (built by ./mvnw package), or --kills 0");
    }
    List<String> launcher = List.of(javaBin.toString(), "-Xmx128m", "-jar", options.agentJar.toString());
    String launcherText = "java -jar " + options.agentJar;
    say("e. kill -9 to LOST, " + options.kills + " times; agent process: " + launcherText);
    List<Double> seconds = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (int k = 1; k <= options.kills; k++) {
      try {
        double s = killOnce(k, launcher);
        seconds.add(s);
      } catch (BenchmarkFailure e) {
        failures.add("kill " + k + ": " + e.getMessage());
        say("e. kill " + k + " FAILED: " + e.getMessage());
      }
    }
    double limit = (options.ttlMs + AgentBenchmark.LOST_SLACK_MS) / 1000.0;
    double max = seconds.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    StringBuilder each = new StringBuilder();
    for (double s : seconds) {
      each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", s));
    }
    summary.figure("agent process", launcherText);
    summary.figure("kill -9 -> LOST", String.format(Locale.ROOT, "%s s (max %.2f s; TTL %.1f s, heartbeat %.1f s; "
        + "killed as soon as AVAILABLE was seen)", each, max, options.ttlMs / 1000.0, options.heartbeatMs / 1000.0));
    if (!failures.isEmpty()) {
      summary.problems(failures);
    }
    if (seconds.isEmpty()) {
      summary.target(AgentSummary.unmeasured("kill -> LOST",
          String.format(Locale.ROOT, "no measurement vs target <= %.1f s", limit)));
    } else {
      summary.target(AgentSummary.target("kill -> LOST", max, limit, "s", false));
    }
  }

  /** One agent started, killed once AVAILABLE, and timed to LOST; the seconds from the kill. */
  private double killOnce(int k, List<String> launcher) throws Exception {
    String name = "bench-kill-" + k + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    Path scripts = Files.createDirectories(rig.work.resolve(name + "-scripts"));
    Path state = Files.createDirectories(rig.work.resolve(name + "-state"));
    Path log = rig.work.resolve(name + ".log");
    List<String> command = new ArrayList<>(launcher);
    command.addAll(List.of("--hub", rig.hub.wsUrl(), "--token", rig.agentToken, "--kind", "mothership", "--name", name,
        "--capacity", "cpu=4,ramMb=8192,bandwidthMbps=1000", "--scripts", scripts.toString(),
        "--state-dir", state.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).directory(rig.work.toFile());
    // the agent must take its settings from this command line only
    builder.environment().keySet().removeIf(key -> key.startsWith("RAINHUB_") || key.startsWith("RAIN_AGENT_"));
    long launched = System.nanoTime();
    Process process = builder.start();
    rig.processes.add(process);
    try {
      // the agent writes its node id to state.json at its first welcome
      String nodeId = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      long nextListing = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (nodeId == null) {
        if (!process.isAlive()) {
          throw new BenchmarkFailure("the agent process exited (" + process.exitValue()
              + ") before its welcome; its log:\n" + Programs.tail(log));
        }
        if (System.nanoTime() > deadline) {
          throw new BenchmarkFailure("no welcome for agent " + name + " within 120 s; its log:\n"
              + Programs.tail(log));
        }
        nodeId = nodeIdFromState(state.resolve("state.json"));
        if (nodeId == null && System.nanoTime() > nextListing) {
          nodeId = nodeIdFromList(name); // in case the agent keeps its state elsewhere
          nextListing = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        }
        if (nodeId == null) {
          sleep(50);
        }
      }
      String available = awaitState(nodeId, "AVAILABLE", 30_000);
      if (available == null) {
        throw new BenchmarkFailure("node " + nodeId + " of " + name + " was not AVAILABLE within 30 s");
      }
      double startSeconds = (System.nanoTime() - launched) / 1e9;
      long killed = System.nanoTime();
      process.destroyForcibly();
      long suspectAt = -1;
      long lostAt = -1;
      long lostDeadline = killed + TimeUnit.MILLISECONDS.toNanos(options.ttlMs + 60_000);
      while (System.nanoTime() < lostDeadline) {
        String nodeState = mothershipState(nodeId);
        long now = System.nanoTime();
        if ("SUSPECT".equals(nodeState) && suspectAt < 0) {
          suspectAt = now;
        }
        if ("LOST".equals(nodeState)) {
          lostAt = now;
          break;
        }
        sleep(POLL_MS);
      }
      process.waitFor(30, TimeUnit.SECONDS);
      if (lostAt < 0) {
        throw new BenchmarkFailure("node " + nodeId + " was not LOST within "
            + (options.ttlMs + 60_000) / 1000 + " s of the kill");
      }
      double lost = (lostAt - killed) / 1e9;
      say(String.format(Locale.ROOT, "e. kill %d: %s (node %s) up and AVAILABLE %.1f s after launch; kill -9 -> "
          + "SUSPECT %s, LOST %.2f s (limit %.1f s)", k, name, nodeId, startSeconds,
          suspectAt < 0 ? "not seen" : String.format(Locale.ROOT, "%.2f s", (suspectAt - killed) / 1e9), lost,
          (options.ttlMs + AgentBenchmark.LOST_SLACK_MS) / 1000.0));
      return lost;
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static String nodeIdFromState(Path file) {
    try {
      if (!Files.exists(file)) {
        return null;
      }
      return new JsonObject(Files.readString(file)).getString("nodeId");
    } catch (IOException | RuntimeException e) {
      return null; // being replaced, or not yet written
    }
  }

  private String nodeIdFromList(String name) {
    HttpResponse<Buffer> response = await(rig.hub.get("/mothership/all").send(), "GET /mothership/all");
    if (response.statusCode() != 200) {
      return null;
    }
    Object body = response.bodyAsJson(Object.class);
    JsonArray items = body instanceof JsonArray array ? array
        : body instanceof JsonObject object ? object.getJsonArray("items", new JsonArray()) : new JsonArray();
    for (Object item : items) {
      if (item instanceof JsonObject mothership && name.equals(mothership.getString("name"))) {
        return mothership.getString("id");
      }
    }
    return null;
  }

  private String awaitState(String nodeId, String wanted, long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      String state = mothershipState(nodeId);
      if (wanted.equals(state)) {
        return state;
      }
      sleep(POLL_MS);
    }
    return null;
  }

  private String mothershipState(String nodeId) {
    HttpResponse<Buffer> response = await(rig.hub.get("/mothership/" + nodeId).send(), "GET /mothership/" + nodeId);
    if (response.statusCode() != 200) {
      return "HTTP " + response.statusCode();
    }
    return response.bodyAsJsonObject().getString("state");
  }
}
