package io.rainhub.workflow;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes as real rain-agent processes on this machine: one {@code rain-agent host} process per spawn
 * (up to {@value #NODES_PER_PROCESS} nodes each, each with its own state and node directory under
 * {@code <dir>/<topology id>/}), connecting back to this hub with the topology's agent token. A node
 * leaves by its agent's {@code leave}; a process whose nodes all left exits, and is killed if not.
 * Processes are found again by their command line, so a spawn repeated after a hub crash starts none twice.
 */
final class LocalTarget implements Target {

  private static final Logger LOG = LoggerFactory.getLogger(LocalTarget.class);
  static final int NODES_PER_PROCESS = 50;
  private static final long EXIT_WAIT_MILLIS = 5_000;

  private final Vertx vertx;
  private final WorkflowStore store;
  private final Path baseDir;
  private final Path agentJar;
  private final java.util.function.Supplier<String> hubUrl;
  private final Function<TopologyRecord, Future<String>> tokenFor;

  LocalTarget(Vertx vertx, WorkflowStore store, Path baseDir, Path agentJar, java.util.function.Supplier<String> hubUrl,
      Function<TopologyRecord, Future<String>> tokenFor) {
    this.vertx = vertx;
    this.store = store;
    this.baseDir = baseDir;
    this.agentJar = agentJar;
    this.hubUrl = hubUrl;
    this.tokenFor = tokenFor;
  }

  Path dirOf(TopologyRecord topology) {
    return baseDir.resolve(topology.id);
  }

  /** Spawns one after another, so a spawn always sees the processes the one before it started. */
  private Future<?> lastSpawn = Future.succeededFuture();

  @Override
  public Future<Map<String, JsonObject>> spawn(TopologyRecord topology, List<TopologyNode> nodes) {
    Future<Map<String, JsonObject>> spawned = lastSpawn.transform(previous -> startMissing(topology, nodes));
    lastSpawn = spawned;
    return spawned;
  }

  /**
   * Starts the processes of a job's nodes as the job starts, before their spawn stages: a JVM's
   * start is the slowest part of a node's creation, and this way the three components of a chain do
   * not start theirs one after the other. The stages still run in DAG order; a node's spawn stage
   * finds its process running.
   */
  @Override
  public void warmUp(TopologyRecord topology, List<TopologyNode> nodes) {
    if (!nodes.isEmpty()) {
      spawn(topology, nodes).onFailure(failed -> LOG.warn("Starting the processes of {} early failed; their spawn"
          + " stages will try again: {}", topology.spec.name(), failed.getMessage()));
    }
  }

  private Future<Map<String, JsonObject>> startMissing(TopologyRecord topology, List<TopologyNode> nodes) {
    return tokenFor.apply(topology).compose(token -> vertx.executeBlocking(() -> {
      Path dir = dirOf(topology);
      Files.createDirectories(dir);
      Map<String, JsonObject> placements = new HashMap<>();
      List<TopologyNode> toStart = new ArrayList<>();
      Map<String, ProcessHandle> hosted = hosted(dir);
      for (TopologyNode node : nodes) {
        ProcessHandle running = hosted.get(node.name);
        if (running != null) {
          placements.put(node.id, placement(dir, running.pid()));
        } else {
          toStart.add(node);
        }
      }
      // A process per component (of at most NODES_PER_PROCESS nodes): a small component's nodes never
      // wait for a big one's to connect.
      Map<String, List<TopologyNode>> byComponent = new java.util.LinkedHashMap<>();
      toStart.forEach(node -> byComponent.computeIfAbsent(node.component, c -> new ArrayList<>()).add(node));
      for (List<TopologyNode> component : byComponent.values()) {
        for (int from = 0; from < component.size(); from += NODES_PER_PROCESS) {
          List<TopologyNode> batch = component.subList(from, Math.min(component.size(), from + NODES_PER_PROCESS));
          long pid = start(dir, token, batch);
          batch.forEach(node -> placements.put(node.id, placement(dir, pid)));
        }
      }
      return placements;
    }));
  }

  private long start(Path dir, String token, List<TopologyNode> batch) throws IOException {
    if (!Files.isRegularFile(agentJar)) {
      throw new IllegalStateException("The rain-agent jar " + agentJar.toAbsolutePath() + " is missing; build it"
          + " (./mvnw -pl agent-client -am package) or start the hub with --agent-jar PATH.");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx96m", "-Xss512k", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-jar", agentJar.toAbsolutePath().toString(), "host", "--hub", hubUrl.get(),
        "--base-dir", dir.toAbsolutePath().toString()));
    for (TopologyNode node : batch) {
      command.add("--node");
      command.add(node.name);
    }
    Path log = dir.resolve("host-" + batch.get(0).name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectInput(ProcessBuilder.Redirect.PIPE);
    // The token stays out of the process list.
    builder.environment().put("RAIN_AGENT_TOKEN", token);
    Process process = builder.start();
    process.getOutputStream().close();
    LOG.info("Started rain-agent host (pid {}) for {} node(s) of {}; log {}", process.pid(), batch.size(), dir, log);
    return process.pid();
  }

  private static JsonObject placement(Path dir, long pid) {
    return new JsonObject().put("target", "local").put("pid", pid).put("dir", dir.toAbsolutePath().toString());
  }

  /** The nodes hosted by rain-agent processes running under {@code dir}, by name: one pass over the processes. */
  static Map<String, ProcessHandle> hosted(Path dir) {
    Map<String, ProcessHandle> byName = new HashMap<>();
    ProcessHandle.allProcesses().forEach(process -> {
      List<String> args = process.info().arguments().map(Arrays::asList).orElse(List.of());
      if (hostsUnder(dir, args)) {
        for (int i = 0; i + 1 < args.size(); i++) {
          if (args.get(i).equals("--node")) {
            byName.put(args.get(i + 1), process);
          }
        }
      }
    });
    return byName;
  }

  /** The rain-agent process of this machine that hosts {@code name} under {@code dir}, if one runs. */
  static Optional<ProcessHandle> hosting(Path dir, String name) {
    return Optional.ofNullable(hosted(dir).get(name));
  }

  private static boolean hostsUnder(Path dir, List<String> args) {
    int at = args.indexOf("--base-dir");
    return at >= 0 && at + 1 < args.size() && args.get(at + 1).equals(dir.toAbsolutePath().toString());
  }

  @Override
  public Future<Map<String, String>> agents(TopologyRecord topology, List<TopologyNode> nodes) {
    if (nodes.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    StringBuilder in = new StringBuilder();
    List<Object> names = new ArrayList<>();
    for (TopologyNode node : nodes) {
      in.append(in.length() == 0 ? "" : ", ").append(store.store().dialect().placeholder(names.size() + 1));
      names.add(node.name);
    }
    return store.query("SELECT node_id, name FROM agent_nodes WHERE kind = 'generic' AND name IN (" + in + ")",
        Tuple.from(names)).map(rows -> {
          Map<String, String> byName = new HashMap<>();
          for (Row row : rows) {
            byName.put(row.getString("name"), row.getString("node_id"));
          }
          Map<String, String> found = new HashMap<>();
          nodes.forEach(node -> {
            if (byName.containsKey(node.name)) {
              found.put(node.id, byName.get(node.name));
            }
          });
          return found;
        });
  }

  @Override
  public boolean agentLeaves() {
    return true;
  }

  @Override
  public Future<Void> release(TopologyRecord topology, TopologyNode node, Collection<TopologyNode> remaining) {
    Long pid = node.placement == null ? null : node.placement.getLong("pid");
    boolean shared = pid != null && remaining.stream().anyMatch(other -> other != node && other.placement != null
        && pid.equals(other.placement.getLong("pid")));
    if (pid == null || shared) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      // The stored pid may since belong to another process (the agent exited, the pid was reused).
      ProcessHandle.of(pid).filter(process -> hostsUnder(dirOf(topology),
          process.info().arguments().map(Arrays::asList).orElse(List.of()))).ifPresent(LocalTarget::stop);
      return null;
    });
  }

  @Override
  public Future<Void> forget(TopologyRecord topology) {
    return vertx.executeBlocking(() -> {
      Path dir = dirOf(topology);
      String base = dir.toAbsolutePath().toString();
      ProcessHandle.allProcesses().filter(process -> process.info().arguments().map(Arrays::asList)
          .map(args -> args.contains(base)).orElse(false)).forEach(LocalTarget::stop);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> paths = Files.walk(dir)) {
          paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
      }
      return null;
    });
  }

  /** Waits for a process whose nodes left to exit on its own, then kills it (and what it started). */
  private static void stop(ProcessHandle process) {
    try {
      process.onExit().get(EXIT_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception stillRunning) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      LOG.warn("rain-agent host pid {} did not exit after its nodes left; killed it", process.pid());
    }
  }

  @Override
  public String whereToLook(TopologyRecord topology, TopologyNode node) {
    return "see " + dirOf(topology).resolve("host-*.log") + " on the hub's machine";
  }
}
