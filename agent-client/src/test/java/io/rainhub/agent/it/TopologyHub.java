package io.rainhub.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.ChildProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A standalone hub process for the topology ITs (H2 under its data dir, or the PostgreSQL database
 * given), its topology and job API, and the processes its local target starts on this machine. On
 * close it stops the hub and kills whatever of its topologies is still running (node agents,
 * HAProxy, PostgreSQL, webapps), since a killed or failed hub leaves them behind.
 */
final class TopologyHub implements AutoCloseable {

  static final String PASSWORD = "topology-it-admin-password";
  static final Duration START = Duration.ofSeconds(90);
  static final Path LAMP_RECIPES = Path.of("..", "config", "recipes").toAbsolutePath().normalize();
  static final Path IT_RECIPES = Path.of("src", "test", "resources", "it-recipes").toAbsolutePath().normalize();
  private static final List<String> ENDED = List.of("SUCCEEDED", "FAILED", "CANCELLED");

  final Path dataDir;
  final int port;
  private final Path work;
  private final String db;
  private final Path recipes;
  private final List<ChildProcess> hubs = new ArrayList<>();
  private ChildProcess hub;
  private HubApi api;

  /** {@code db}: null for H2 under the data dir, else a PostgreSQL URI. */
  TopologyHub(Path work, String db, Path recipes) throws IOException {
    this.work = work;
    this.db = db;
    this.recipes = recipes;
    this.dataDir = work.resolve("d"); // short: see LampTopologyIT#work
    this.port = ChildProcess.freePort();
  }

  /** Starts a hub (again, after a kill: same port, data dir and database) and logs in. */
  TopologyHub start() throws Exception {
    List<String> args = new ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port", Integer.toString(port),
        "--data-dir", dataDir.toString(), "--recipes", recipes.toString(),
        "--agent-jar", ChildProcess.existingJar(Path.of("target", "rain-agent.jar")).toString(),
        // The restarted hub waits out the killed one's lease: short, so the ITs stay short.
        "--leader-lease-ms", "2000"));
    if (db != null) {
      args.addAll(List.of("--db", db));
    }
    Path run = Files.createDirectories(work.resolve("hub-run-" + hubs.size()));
    hub = ChildProcess.java("hub-" + hubs.size(), run, Map.of("RAINHUB_ADMIN_PASSWORD", PASSWORD),
        ChildProcess.existingJar(Path.of("..", "hub", "target", "rainhub.jar")), args.toArray(String[]::new));
    hubs.add(hub);
    hub.awaitLine("Rain Hub serving", START);
    api = new HubApi(port).login(PASSWORD);
    return this;
  }

  /** kill -9 of the running hub. */
  void kill() throws InterruptedException {
    hub.kill();
  }

  HubApi api() {
    return api;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  String output() {
    return hub.output();
  }

  /** POST /v1.0/topologies: 202 {id, jobId, topology}. */
  JsonObject create(JsonObject document) throws Exception {
    HubApi.Response created = api.send("POST", "/v1.0/topologies", document);
    assertThat(created.status()).as(created.body()).isEqualTo(202);
    return created.json();
  }

  /** A 202 answer's body, for the operations that start a job. */
  JsonObject accepted(String method, String path, JsonObject body) throws Exception {
    HubApi.Response answer = api.send(method, path, body);
    assertThat(answer.status()).as(method + " " + path + ": " + answer.body()).isEqualTo(202);
    return answer.json();
  }

  JsonObject job(String id) throws Exception {
    return api.get("/v1.0/jobs/" + id);
  }

  /** The job once it ended, long-polled (?wait=20s) until {@code timeout}. */
  JsonObject awaitEnd(String jobId, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonObject job;
    do {
      HubApi.Response answer = api.send("GET", "/v1.0/jobs/" + jobId + "?wait=20s", null, Duration.ofSeconds(45));
      assertThat(answer.status()).as(answer.body()).isEqualTo(200);
      job = answer.json();
      if (ENDED.contains(job.getString("state"))) {
        return job;
      }
    } while (System.nanoTime() < deadline);
    throw new AssertionError("job " + jobId + " did not end within " + timeout + ": " + job.encodePrettily());
  }

  JsonObject succeeded(String jobId, Duration timeout) throws Exception {
    JsonObject job = awaitEnd(jobId, timeout);
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("SUCCEEDED");
    return job;
  }

  JsonObject topology(String id) throws Exception {
    return api.get("/v1.0/topologies/" + id);
  }

  /** The jobs of a topology (summaries). */
  List<JsonObject> jobs(String topologyId) throws Exception {
    return items(api.get("/v1.0/jobs?topology=" + topologyId + "&range=500").getJsonArray("items"));
  }

  static List<JsonObject> nodes(JsonObject topology, String component) {
    for (JsonObject c : items(topology.getJsonArray("components"))) {
      if (component.equals(c.getString("name"))) {
        return items(c.getJsonArray("nodes"));
      }
    }
    throw new AssertionError("no component " + component + " in " + topology.encodePrettily());
  }

  static String componentId(JsonObject topology, String component) {
    return items(topology.getJsonArray("components")).stream().filter(c -> component.equals(c.getString("name")))
        .findFirst().orElseThrow().getString("id");
  }

  /** Every task of a job, each with its stage's name added as {@code stage}. */
  static List<JsonObject> tasks(JsonObject job) {
    List<JsonObject> tasks = new ArrayList<>();
    for (JsonObject workflow : items(job.getJsonArray("workflows"))) {
      for (JsonObject stage : items(workflow.getJsonArray("stages"))) {
        items(stage.getJsonArray("tasks")).forEach(task -> tasks.add(task.copy().put("stage", stage.getString("name"))
            .put("component", workflow.getString("component"))));
      }
    }
    return tasks;
  }

  static List<JsonObject> items(JsonArray array) {
    List<JsonObject> out = new ArrayList<>();
    if (array != null) {
      array.forEach(item -> out.add((JsonObject) item));
    }
    return out;
  }

  Path topologyDir(String topologyId) {
    return dataDir.resolve("topologies").resolve(topologyId);
  }

  /** RAIN_NODE_DIR of a local node: {@code <data-dir>/topologies/<topology>/<node>/node}. */
  Path nodeDir(String topologyId, String nodeName) {
    return topologyDir(topologyId).resolve(nodeName).resolve("node");
  }

  /** The pid in the first line of a pid file (haproxy.pid, webapp.pid, postmaster.pid). */
  static long pidIn(Path file) throws IOException {
    return Long.parseLong(Files.readAllLines(file).get(0).trim());
  }

  /** Alive and not a zombie: daemons re-parented to a PID 1 that does not reap stay as zombies. */
  static boolean alive(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("State:")) {
          return !line.substring(6).trim().startsWith("Z");
        }
      }
      return true;
    } catch (IOException gone) {
      return false;
    }
  }

  /** Pids of live processes (not this one) whose command line contains {@code text}, with their command lines. */
  static Map<Long, String> processesMentioning(String text) {
    Map<Long, String> found = new HashMap<>();
    long self = ProcessHandle.current().pid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        long pid = Long.parseLong(p.getFileName().toString());
        try {
          String cmdline = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
          if (pid != self && cmdline.contains(text) && alive(pid)) {
            found.put(pid, cmdline.trim());
          }
        } catch (IOException gone) {
          // it exited meanwhile
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return found;
  }

  private static Optional<Long> servicePid(Path file) {
    try {
      return Optional.of(pidIn(file));
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  @Override
  public void close() throws Exception {
    for (ChildProcess process : hubs) {
      process.close();
    }
    // What the hub started and did not remove: services by their pid files (a webapp's command
    // line does not name its directory), then every process naming the data dir (agents, haproxy).
    Path topologies = dataDir.resolve("topologies");
    if (Files.isDirectory(topologies)) {
      try (Stream<Path> files = Files.walk(topologies)) {
        files.filter(f -> f.getFileName().toString().endsWith(".pid")).map(TopologyHub::servicePid)
            .flatMap(Optional::stream).filter(TopologyHub::alive).forEach(pid -> ProcessHandle.of(pid)
                .filter(p -> p.info().commandLine().orElse("").matches(".*(webapp|haproxy|postgres).*"))
                .ifPresent(ProcessHandle::destroyForcibly));
      }
    }
    processesMentioning(dataDir.toString()).keySet()
        .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }
}
