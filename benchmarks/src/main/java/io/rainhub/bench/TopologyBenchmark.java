package io.rainhub.bench;

import static io.rainhub.bench.BoundedWaits.await;
import static io.rainhub.bench.Progress.say;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Benchmark of topology deployment (issue 11 item 9); see {@code bin/bench-topology} and BENCHMARKS.md.
 * One hub process with the benchmark's sleep-only recipes; for each size N, per round: POST
 * db ← app × N ← lb on the local target, follow the job until it ends, and split its wall time into
 * the scripts' critical path ({@link JobTimes}) and the engine's overhead beyond it; then DELETE the
 * topology, follow that job, and check that no rain-agent host process of it is left. Sizes run in
 * reverse order every other round, so a slow spell of the shared machine does not land on one N.
 */
public final class TopologyBenchmark {

  static final double TARGET_RATIO = 1.3;
  static final int SCRIPTS_PER_COMPONENT = 5;
  private static final long START_TIMEOUT_MS = 180_000;
  private static final long WAIT_S = 20;
  private static final long LEFTOVER_WAIT_MS = 10_000;
  private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  /** One deployment and deletion of size {@code n}; {@code leftover}: rain-agent processes alive after the delete. */
  record Round(int n, int round, long wallMs, JobTimes times, long hostProcesses, long deleteMs, int leftover) {}

  private final TopologyBenchmarkOptions options;
  private final String password = "bench-" + UUID.randomUUID();
  private final List<Round> rounds = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private Path work;
  private Path topologiesDir;
  private StandaloneHub hub;
  private TakeoverDatabase database;
  private Vertx vertx;
  private HubClient client;

  private TopologyBenchmark(TopologyBenchmarkOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    TopologyBenchmarkOptions options;
    try {
      options = TopologyBenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("TopologyBenchmark: " + e.getMessage());
      System.err.println(TopologyBenchmarkOptions.USAGE);
      System.exit(2);
      return;
    }
    TopologyBenchmark benchmark = new TopologyBenchmark(options);
    Runtime.getRuntime().addShutdownHook(new Thread(benchmark::cleanUp, "topology-clean-up"));
    int status;
    try {
      benchmark.run();
      status = 0;
    } catch (BenchmarkFailure e) {
      System.err.println("TopologyBenchmark: FAILED: " + e.getMessage());
      status = 1;
    } catch (Exception e) {
      System.err.println("TopologyBenchmark: FAILED: " + e);
      e.printStackTrace();
      status = 1;
    }
    System.exit(status); // the shutdown hook stops the hub and what it left
  }

  private void run() throws Exception {
    for (Path file : List.of(options.hubJar, options.agentJar)) {
      if (!Files.isRegularFile(file)) {
        throw new BenchmarkFailure(file + " is missing: ./mvnw -DskipTests package builds it");
      }
    }
    for (String type : List.of("sleep-db", "sleep-app", "sleep-lb")) {
      if (!Files.isRegularFile(options.recipes.resolve(type).resolve("1.0").resolve("recipe.json"))) {
        throw new BenchmarkFailure("no recipe " + type + " 1.0 under " + options.recipes);
      }
    }
    Map<String, String> facts = Machine.facts();
    say("machine: " + facts.get("cpus") + " cpus, " + facts.get("cpu model") + ", " + facts.get("memory")
        + " RAM; " + facts.get("java") + "; load " + facts.get("load"));
    work = ScratchDirectory.create("rainhub-bench-topology-");
    Path dataDir = work.resolve("data");
    topologiesDir = dataDir.resolve("topologies"); // where the local target puts its processes' directories
    Path logDir = options.logDir != null ? Files.createDirectories(options.logDir) : work;

    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(options.hubJavaOpts);
    command.addAll(List.of("-jar", options.hubJar.toString(), "serve", "--host", "127.0.0.1", "--port", "0",
        "--data-dir", dataDir.toString(), "--recipes", options.recipes.toString(),
        "--agent-jar", options.agentJar.toString()));
    String store = "embedded H2";
    if (options.db != null) {
      database = TakeoverDatabase.create(options.db, "rainhub_topology_");
      command.addAll(List.of("--db", database.hubUri()));
      store = "PostgreSQL database " + database.name() + " on " + options.db.getHost() + ":" + options.db.getPort();
    }
    long started = System.nanoTime();
    hub = StandaloneHub.start(command, password, logDir.resolve("bench-topology-hub.log"));
    URI uri = hub.awaitServing(START_TIMEOUT_MS);
    say(String.format(Locale.ROOT, "hub (pid %d, %s) serves %s after %.1f s; log %s", hub.pid(), store, uri,
        (System.nanoTime() - started) / 1e9, hub.log()));
    vertx = Vertx.vertx();
    client = new HubClient(vertx, uri, 4);
    client.login(password);

    // the first deployments run on a cold hub JVM (and cold page cache for the agent jar): not counted
    int smallest = options.sizes.stream().mapToInt(Integer::intValue).min().orElse(1);
    for (int w = 1; w <= options.warmups; w++) {
      Round warmup = deployAndDelete(smallest, -w);
      say(String.format(Locale.ROOT, "warm-up %d/%d (N=%d, not counted): wall %.2f s", w, options.warmups, smallest,
          warmup.wallMs() / 1e3));
    }
    for (int r = 1; r <= options.rounds; r++) {
      List<Integer> order = new ArrayList<>(options.sizes);
      if (r % 2 == 0) {
        java.util.Collections.reverse(order);
      }
      for (int n : order) {
        Round round = deployAndDelete(n, r);
        rounds.add(round);
        JobTimes t = round.times();
        say(String.format(Locale.ROOT, "N=%d round %d/%d: wall %.2f s (job %.2f s); scripts' critical path %.2f s"
                + " (%s); overhead %.2f s, of which spawn+verify-spawn %.2f s; deleted in %.2f s; %d rain-agent"
                + " process(es) left", n, r, options.rounds, round.wallMs() / 1e3, t.jobMs() / 1e3,
            t.criticalPathMs() / 1e3, String.join(" → ", t.chain()), (round.wallMs() - t.criticalPathMs()) / 1e3,
            t.spawnMs() / 1e3, round.deleteMs() / 1e3, round.leftover()));
      }
    }
    String loadAtEnd = Machine.facts().get("load");
    new TopologySummary(options, facts, loadAtEnd, store, rounds, problems).print();
  }

  private Round deployAndDelete(int n, int round) {
    JsonObject document = document(n, round);
    long posted = System.nanoTime();
    HttpResponse<Buffer> created = await(client.post("/v1.0/topologies").sendJsonObject(document),
        "POST /v1.0/topologies");
    if (created.statusCode() != 202) {
      throw new BenchmarkFailure("POST /v1.0/topologies (N=" + n + ") answered " + created.statusCode() + ": "
          + created.bodyAsString());
    }
    String topologyId = created.bodyAsJsonObject().getString("id");
    JsonObject job = follow(created.bodyAsJsonObject().getString("jobId"), "creation of N=" + n);
    long wallMs = (System.nanoTime() - posted) / 1_000_000;
    if (!"SUCCEEDED".equals(job.getString("state"))) {
      throw failed("creation of N=" + n + " round " + round, job);
    }
    checkRunning(topologyId, n);
    long hostProcesses = hostProcesses().size();

    long deleting = System.nanoTime();
    HttpResponse<Buffer> deleted = await(client.delete("/v1.0/topologies/" + topologyId).send(),
        "DELETE /v1.0/topologies/" + topologyId);
    if (deleted.statusCode() != 202) {
      throw new BenchmarkFailure("DELETE /v1.0/topologies/" + topologyId + " answered " + deleted.statusCode() + ": "
          + deleted.bodyAsString());
    }
    JsonObject deletion = follow(deleted.bodyAsJsonObject().getString("jobId"), "deletion of N=" + n);
    long deleteMs = (System.nanoTime() - deleting) / 1_000_000;
    if (!"SUCCEEDED".equals(deletion.getString("state"))) {
      throw failed("deletion of N=" + n + " round " + round, deletion);
    }
    return new Round(n, round, wallMs, JobTimes.of(job), hostProcesses, deleteMs, leftoverAfterDelete(n, round));
  }

  /** db ← app × N ← lb of the sleep recipes; lb's start.sh checks that it sees all N app exporters. */
  private JsonObject document(int n, int round) {
    Object sleep = options.sleepSeconds % 1 == 0 ? (Object) (long) options.sleepSeconds : options.sleepSeconds;
    JsonObject settings = new JsonObject().put("sleep_seconds", sleep);
    return new JsonObject().put("name", "bench-n" + n + (round < 0 ? "-warmup" + -round : "-r" + round)).put("availability_zone", "local-1")
        .put("target", "local").put("components", new JsonArray()
            .add(new JsonObject().put("name", "db").put("type", "sleep-db").put("version", "1.0").put("size", 1)
                .put("settings", settings.copy()))
            .add(new JsonObject().put("name", "app").put("type", "sleep-app").put("version", "1.0").put("size", n)
                .put("depends_on", "db").put("settings", settings.copy().put("expect_imports", 1))
                .put("imports", new JsonArray().add(imports("db"))))
            .add(new JsonObject().put("name", "lb").put("type", "sleep-lb").put("version", "1.0").put("size", 1)
                .put("depends_on", "app").put("settings", settings.copy().put("expect_imports", n))
                .put("imports", new JsonArray().add(imports("app")))));
  }

  private static JsonObject imports(String component) {
    return new JsonObject().put("component", component).put("vars", new JsonArray().add("ip").add("port"));
  }

  /** GET /v1.0/jobs/{id}?wait=20s until the job ends; the request outlives the wait. */
  private JsonObject follow(String jobId, String what) {
    long deadline = System.nanoTime() + options.jobTimeoutS * 1_000_000_000L;
    while (true) {
      HttpResponse<Buffer> answer = await(client.get("/v1.0/jobs/" + jobId + "?wait=" + WAIT_S + "s")
          .timeout((WAIT_S + 20) * 1000).send(), "GET /v1.0/jobs/" + jobId, WAIT_S + 30);
      if (answer.statusCode() != 200) {
        throw new BenchmarkFailure("GET /v1.0/jobs/" + jobId + " answered " + answer.statusCode() + ": "
            + answer.bodyAsString());
      }
      JsonObject job = answer.bodyAsJsonObject();
      if (ENDED.contains(job.getString("state"))) {
        return job;
      }
      if (System.nanoTime() > deadline) {
        throw new BenchmarkFailure(what + ": job " + jobId + " still " + job.getString("state") + " after "
            + options.jobTimeoutS + " s, progress " + job.getJsonObject("progress"));
      }
    }
  }

  /** After SUCCEEDED every node should be RUNNING with its exports; not timed. */
  private void checkRunning(String topologyId, int n) {
    HttpResponse<Buffer> answer = await(client.get("/v1.0/topologies/" + topologyId).send(),
        "GET /v1.0/topologies/" + topologyId);
    JsonObject topology = answer.bodyAsJsonObject();
    int running = 0;
    for (Object c : topology.getJsonArray("components", new JsonArray())) {
      for (Object item : ((JsonObject) c).getJsonArray("nodes", new JsonArray())) {
        JsonObject node = (JsonObject) item;
        JsonObject exports = node.getJsonObject("exports", new JsonObject());
        if ("RUNNING".equals(node.getString("state")) && exports.getValue("port") != null) {
          running++;
        }
      }
    }
    if (running != n + 2) {
      problems.add("N=" + n + ": " + running + " of " + (n + 2) + " nodes RUNNING with a port export after the"
          + " job succeeded");
    }
  }

  private BenchmarkFailure failed(String what, JsonObject job) {
    return new BenchmarkFailure(what + ": job " + job.getString("id") + " ended " + job.getString("state")
        + ", progress " + job.getJsonObject("progress") + ", error:\n"
        + (job.getJsonObject("error") == null ? "(none)" : job.getJsonObject("error").encodePrettily())
        + "\nhub log, last WARN/ERROR lines:\n" + hubProblems());
  }

  private String hubProblems() {
    try (var lines = Files.lines(hub.log())) {
      List<String> found = lines.filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")).toList();
      return String.join("\n", found.subList(Math.max(0, found.size() - 15), found.size()));
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }

  /** The rain-agent host processes the local target started under this hub's data directory. */
  private List<ProcessHandle> hostProcesses() {
    String base = topologiesDir.toAbsolutePath().toString();
    return ProcessHandle.allProcesses().filter(process -> {
      List<String> args = process.info().arguments().map(Arrays::asList).orElse(List.of());
      int at = args.indexOf("--base-dir");
      return args.contains("host") && at >= 0 && at + 1 < args.size() && args.get(at + 1).startsWith(base);
    }).toList();
  }

  /** rain-agent processes still alive {@value #LEFTOVER_WAIT_MS} ms after the deletion succeeded: a problem. */
  private int leftoverAfterDelete(int n, int round) {
    long deadline = System.nanoTime() + LEFTOVER_WAIT_MS * 1_000_000L;
    List<ProcessHandle> left = hostProcesses();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      BoundedWaits.sleep(100);
      left = hostProcesses();
    }
    if (!left.isEmpty()) {
      problems.add("N=" + n + " round " + round + ": " + left.size() + " rain-agent host process(es) alive "
          + LEFTOVER_WAIT_MS + " ms after the deletion succeeded (pids "
          + left.stream().map(p -> Long.toString(p.pid())).toList() + "); killed");
      left.forEach(ProcessHandle::destroyForcibly); // they would skew the next rounds
    }
    return left.size();
  }

  /** Stops the hub, the agents it left, drops the database, deletes the scratch files: on failure too. */
  private void cleanUp() {
    if (hub != null) {
      hub.stop();
    }
    if (topologiesDir != null) {
      hostProcesses().forEach(ProcessHandle::destroyForcibly);
    }
    if (vertx != null) {
      vertx.close();
    }
    if (database != null) {
      database.close();
    }
    if (work != null) {
      ScratchDirectory.delete(work);
    }
  }
}
