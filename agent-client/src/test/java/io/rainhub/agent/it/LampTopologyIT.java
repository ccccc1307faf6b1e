package io.rainhub.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.ChildProcess;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * config/topologies/lamp.json on a real hub with the recipes of config/recipes, as an operator
 * runs it: create, traffic through HAProxy over both app nodes into one PostgreSQL, flex up (the
 * new node served by the same HAProxy master), flex down, replace, the CLI, and a delete that
 * leaves no process and no directory. Once on H2, once on PostgreSQL.
 */
class LampTopologyIT {

  private static final Duration JOB = Duration.ofSeconds(120);
  private static final Duration SOON = Duration.ofSeconds(30);

  /**
   * Deliberately deep: the node directories, <data-dir>/topologies/<uuid>/<node>/node/, are then far
   * past the Unix socket limits (PostgreSQL 107 bytes, HAProxy 97), which the recipes must handle.
   */
  private Path work;

  private TopologyHub hub;
  private ClusterDatabase database;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void shortWorkDir() throws Exception {
    work = Files.createDirectories(Path.of("/tmp", "rainhub-lamp-it-" + UUID.randomUUID(),
        "a-data-directory-as-deep-as-an-operators-home-checkout"));
  }

  @AfterEach
  void stopAll() throws Exception {
    if (hub != null) {
      hub.close();
    }
    if (database != null) {
      database.close();
    }
    try (Stream<Path> paths = Files.walk(work.getParent())) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Test
  void onH2() throws Exception {
    scenario(null);
  }

  @Test
  void onPostgresql() throws Exception {
    database = ClusterDatabase.create();
    scenario(database.uri());
  }

  private void scenario(String db) throws Exception {
    // As root, the postgresql recipe's server runs as 'postgres', who must traverse the node dirs.
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    hub = new TopologyHub(work, db, TopologyHub.LAMP_RECIPES).start();
    String label = db == null ? "H2" : "PostgreSQL";

    long started = System.nanoTime();
    JsonObject created = hub.create(new JsonObject(Files.readString(Path.of("..", "config", "topologies", "lamp.json"))));
    String id = created.getString("id");
    String createJob = created.getString("jobId");
    hub.succeeded(createJob, JOB);
    System.out.printf("LampTopologyIT (%s): create %d ms%n", label, millisSince(started));

    JsonObject topology = hub.topology(id);
    assertThat(topology.getString("state")).isEqualTo("RUNNING");
    for (String component : List.of("db", "app", "lb")) {
      for (JsonObject node : TopologyHub.nodes(topology, component)) {
        assertThat(node.getString("state")).as(node.encode()).isEqualTo("RUNNING");
        assertThat(node.getJsonObject("exports").getValue("port")).as(node.encode()).isNotNull();
      }
    }
    assertThat(TopologyHub.nodes(topology, "app")).hasSize(2);
    JsonObject lb = TopologyHub.nodes(topology, "lb").get(0);
    int lbPort = Integer.parseInt(lb.getJsonObject("exports").getValue("port").toString());
    Path haproxyPid = hub.nodeDir(id, lb.getString("name")).resolve("haproxy.pid");
    long master = TopologyHub.pidIn(haproxyPid);
    assertThat(Files.readString(hub.nodeDir(id, lb.getString("name")).resolve("haproxy.port")).trim())
        .as("lb's exports.port is HAProxy's port").isEqualTo(Integer.toString(lbPort));

    // Both app nodes answer through HAProxy, counting in the one database.
    Set<String> apps = names(TopologyHub.nodes(topology, "app"));
    List<JsonObject> answers = awaitServed(lbPort, apps, Set.of());
    List<Long> counters = answers.stream().map(a -> a.getLong("counter")).toList();
    for (int i = 1; i < counters.size(); i++) {
      assertThat(counters.get(i)).as("counter strictly growing: " + counters).isGreaterThan(counters.get(i - 1));
    }

    // Flex up: a new node, then a reconfigure job adds it to HAProxy without a restart.
    String appId = TopologyHub.componentId(topology, "app");
    Set<String> jobsBefore = jobIds(id);
    started = System.nanoTime();
    JsonObject flexUp = hub.accepted("POST", "/v1.0/components/" + appId, new JsonObject().put("count", 1));
    assertThat(flexUp.getJsonArray("nodes")).hasSize(1);
    hub.succeeded(flexUp.getString("jobId"), JOB);
    JsonObject added = nodeById(hub.topology(id), "app", flexUp.getJsonArray("nodes").getString(0));
    assertThat(added.getString("name")).contains("-app-2");
    assertThat(added.getString("state")).isEqualTo("RUNNING");
    awaitReconfigured(id, jobsBefore);
    awaitServed(lbPort, Set.of(added.getString("name")), Set.of());
    System.out.printf("LampTopologyIT (%s): flex-up to served %d ms%n", label, millisSince(started));
    assertThat(TopologyHub.pidIn(haproxyPid)).as("HAProxy master not restarted").isEqualTo(master);
    assertThat(TopologyHub.alive(master)).isTrue();

    // Flex down: app-2 leaves and is no longer served; its webapp is gone.
    long app2Webapp = TopologyHub.pidIn(hub.nodeDir(id, added.getString("name")).resolve("webapp.pid"));
    jobsBefore = jobIds(id);
    hub.succeeded(hub.accepted("DELETE", "/v1.0/nodes/" + added.getString("id"), null).getString("jobId"), JOB);
    assertThat(names(TopologyHub.nodes(hub.topology(id), "app"))).isEqualTo(apps);
    awaitServed(lbPort, apps, Set.of(added.getString("name")));
    awaitReconfigured(id, jobsBefore);
    assertThat(TopologyHub.alive(app2Webapp)).as("app-2's webapp stopped").isFalse();

    // Replace app-0: a new node (app-3) with its settings is served, app-0 is gone.
    JsonObject app0 = TopologyHub.nodes(hub.topology(id), "app").stream()
        .filter(n -> n.getString("name").contains("-app-0")).findFirst().orElseThrow();
    long app0Webapp = TopologyHub.pidIn(hub.nodeDir(id, app0.getString("name")).resolve("webapp.pid"));
    jobsBefore = jobIds(id);
    started = System.nanoTime();
    JsonObject replace = hub.accepted("PUT", "/v1.0/nodes/" + app0.getString("id"), null);
    hub.succeeded(replace.getString("jobId"), JOB);
    List<JsonObject> appNodes = TopologyHub.nodes(hub.topology(id), "app");
    Set<String> afterReplace = names(appNodes);
    assertThat(afterReplace).hasSize(2).doesNotContain(app0.getString("name"));
    String app3 = afterReplace.stream().filter(n -> n.contains("-app-3")).findFirst()
        .orElseThrow(() -> new AssertionError("no app-3 in " + afterReplace));
    awaitServed(lbPort, afterReplace, Set.of(app0.getString("name")));
    awaitReconfigured(id, jobsBefore);
    System.out.printf("LampTopologyIT (%s): replace to served %d ms%n", label, millisSince(started));
    assertThat(TopologyHub.alive(app0Webapp)).as("app-0's webapp stopped").isFalse();
    assertThat(app3).isNotNull();

    cli(id, createJob);

    // Every pid the topology runs, recorded while it runs.
    JsonObject running = hub.topology(id);
    Map<String, Long> services = new LinkedHashMap<>();
    JsonObject dbNode = TopologyHub.nodes(running, "db").get(0);
    services.put("postgres", TopologyHub.pidIn(hub.nodeDir(id, dbNode.getString("name")).resolve("pg/data/postmaster.pid")));
    services.put("haproxy", TopologyHub.pidIn(haproxyPid));
    for (JsonObject app : TopologyHub.nodes(running, "app")) {
      services.put(app.getString("name"), TopologyHub.pidIn(hub.nodeDir(id, app.getString("name")).resolve("webapp.pid")));
    }
    String dir = hub.topologyDir(id).toString();
    Map<Long, String> mentioning = TopologyHub.processesMentioning(dir);
    assertThat(services.values()).allMatch(TopologyHub::alive);
    assertThat(mentioning.values()).as("node agents, postgres, haproxy").anyMatch(c -> c.contains("rain-agent.jar"))
        .anyMatch(c -> c.contains("haproxy")).anyMatch(c -> c.contains("postgres"));

    started = System.nanoTime();
    hub.succeeded(hub.accepted("DELETE", "/v1.0/topologies/" + id, null).getString("jobId"), JOB);
    System.out.printf("LampTopologyIT (%s): delete %d ms%n", label, millisSince(started));
    assertThat(TopologyHub.processesMentioning(dir)).as("processes naming " + dir + " after the delete").isEmpty();
    assertThat(services.entrySet().stream().filter(e -> TopologyHub.alive(e.getValue())).toList())
        .as("services still alive after the delete").isEmpty();
    assertThat(mentioning.keySet().stream().filter(TopologyHub::alive).toList()).isEmpty();
    assertThat(hub.api().send("GET", "/v1.0/topologies/" + id, null).status()).isEqualTo(404);
    HubApi.await("the topology's directory removed", Duration.ofSeconds(10), () -> !Files.exists(hub.topologyDir(id)),
        gone -> gone);
  }

  /**
   * Requests through HAProxy until the last round shows every one of {@code expected} and none of
   * {@code gone} (health checks and reconfigure take a moment); every answer so far, in order.
   */
  private List<JsonObject> awaitServed(int port, Set<String> expected, Set<String> gone) throws Exception {
    List<JsonObject> all = new ArrayList<>();
    long deadline = System.nanoTime() + SOON.toNanos();
    while (true) {
      List<JsonObject> round = new ArrayList<>();
      for (int i = 0; i < 3 * Math.max(2, expected.size()); i++) {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          round.add(new JsonObject(answer.body()));
        }
      }
      all.addAll(round);
      Set<String> seen = round.stream().map(a -> a.getString("node")).collect(Collectors.toSet());
      if (seen.containsAll(expected) && seen.stream().noneMatch(gone::contains)) {
        return all;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("HAProxy served " + seen + ", expected " + expected + " and none of " + gone);
      }
      Thread.sleep(200);
    }
  }

  /** The reconfigure jobs started since {@code before}: at least one, each SUCCEEDED. */
  private void awaitReconfigured(String topologyId, Set<String> before) throws Exception {
    List<JsonObject> reconfigures = HubApi.await("reconfigure jobs ended", SOON, () -> {
      List<JsonObject> fresh = hub.jobs(topologyId).stream().filter(j -> !before.contains(j.getString("id"))
          && "reconfigure".equals(j.getString("kind"))).toList();
      return fresh.isEmpty() || fresh.stream().anyMatch(j -> List.of("PENDING", "RUNNING").contains(j.getString("state")))
          ? null : fresh;
    }, done -> true);
    assertThat(reconfigures).allMatch(j -> "SUCCEEDED".equals(j.getString("state")), reconfigures.toString());
  }

  /** rainhub login, topology list and job get against this hub, through a profile of the test's own. */
  private void cli(String topologyId, String jobId) throws Exception {
    Path profile = work.resolve("profile.json");
    String login = rainhub(Map.of("RAINHUB_PROFILE", profile.toString(), "RAINHUB_ADMIN_PASSWORD", TopologyHub.PASSWORD),
        "login", "--hub", hub.url());
    assertThat(profile).as(login).exists();
    assertThat(rainhub(Map.of("RAINHUB_PROFILE", profile.toString()), "topology", "list"))
        .contains(topologyId).contains("lamp").contains("RUNNING");
    assertThat(rainhub(Map.of("RAINHUB_PROFILE", profile.toString()), "job", "get", jobId))
        .contains(jobId).contains("create").contains(topologyId).containsIgnoringCase("succeeded");
  }

  private String rainhub(Map<String, String> env, String... args) throws Exception {
    ChildProcess cli = ChildProcess.java("rainhub-" + args[0], Files.createDirectories(work.resolve("cli")), env,
        ChildProcess.existingJar(Path.of("..", "hub", "target", "rainhub.jar")), args);
    int exit = cli.awaitExit(Duration.ofSeconds(60));
    Thread.sleep(200); // the pump drains the last lines
    assertThat(exit).as("rainhub " + String.join(" ", args) + ":\n" + cli.output()).isZero();
    return cli.output();
  }

  private Set<String> jobIds(String topologyId) throws Exception {
    return hub.jobs(topologyId).stream().map(j -> j.getString("id")).collect(Collectors.toSet());
  }

  private static Set<String> names(List<JsonObject> nodes) {
    return nodes.stream().map(n -> n.getString("name")).collect(Collectors.toCollection(HashSet::new));
  }

  private static JsonObject nodeById(JsonObject topology, String component, String nodeId) {
    return TopologyHub.nodes(topology, component).stream().filter(n -> nodeId.equals(n.getString("id"))).findFirst()
        .orElseThrow(() -> new AssertionError("no node " + nodeId + " in " + topology.encodePrettily()));
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
