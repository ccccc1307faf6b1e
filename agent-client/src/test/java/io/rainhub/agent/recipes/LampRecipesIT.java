package io.rainhub.agent.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.ChildProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipes of config/recipes as real processes, without the hub: this test plays the agent
 * (RecipeNode) for a PostgreSQL node, webapp nodes and an HAProxy node, wires their imports as
 * the engine would, and checks what a client of the load balancer sees, that the backend follows
 * the imports without HAProxy reloading, and that stop + undeploy leave nothing behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LampRecipesIT {

  private static final Path RECIPES = Path.of("..", "config", "recipes").toAbsolutePath().normalize();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  @TempDir
  static Path work;

  private Path agentJar;
  /** Every node created, in creation order; torn down in reverse, whatever happened. */
  private final List<RecipeNode> nodes = new ArrayList<>();
  /** Every service pid seen, to prove none is left and to kill any that is. */
  private final Set<Long> pids = new HashSet<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

  @BeforeAll
  void setUp() throws IOException {
    agentJar = ChildProcess.existingJar(Path.of("target", "rain-agent.jar"));
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterAll
  void tearDown() throws Exception {
    List<RecipeNode> reversed = new ArrayList<>(nodes);
    java.util.Collections.reverse(reversed);
    for (RecipeNode node : reversed) {
      for (String stage : List.of("stop", "undeploy")) {
        try {
          node.run(stage, Map.of());
        } catch (AssertionError | IOException failed) {
          System.out.println("teardown: " + failed.getMessage());
        }
      }
    }
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // a script that failed to stop it
    }
  }

  @Test
  void aLampStackServesThroughHaproxyFollowsItsImportsWithoutReloadAndLeavesNothing() throws Exception {
    RecipeNode db = node("lamp-db-1", "postgresql", Map.of("fsync", "off"));
    db.create(Map.of());
    assertThat(db.exports()).containsEntry("ip", "127.0.0.1").containsEntry("database", "app").containsKey("port");
    pids.add(Long.parseLong(Files.readAllLines(db.dir().resolve("pg/data/postmaster.pid")).get(0).trim()));
    Map<String, String> dbImports = RecipeNode.imports("db", List.of(db), "ip", "port", "database");

    List<RecipeNode> apps = new ArrayList<>();
    for (int n = 1; n <= 2; n++) {
      apps.add(webapp("lamp-app-" + n, dbImports));
    }
    RecipeNode lb = node("lamp-lb-1", "haproxy", Map.of("check_interval_ms", "500"));
    lb.create(RecipeNode.imports("app", apps, "ip", "port"));
    int lbPort = Integer.parseInt(lb.exports().get("port"));
    long master = pidIn(lb, "haproxy.pid");
    Set<Long> workers = children(master);
    pids.add(master);
    pids.addAll(workers);
    assertThat(workers).as("HAProxy's worker").hasSize(1);

    List<JsonObject> answers = get(lbPort, 6);
    assertThat(nodesIn(answers)).containsExactlyInAnyOrder("lamp-app-1", "lamp-app-2");
    assertIncreasing(answers);

    // The database goes away and comes back: the webapps answer 503 meanwhile, then count on.
    db.run("stop", Map.of());
    assertThat(awaitStatus(lbPort, 503)).as("GET / without the database").contains("503");
    assertThat(apps.stream().allMatch(app -> running(pidIn(app, "webapp.pid")))).as("webapps alive").isTrue();
    db.run("start", Map.of());
    pids.add(Long.parseLong(Files.readAllLines(db.dir().resolve("pg/data/postmaster.pid")).get(0).trim()));
    // Each webapp retries with its own backoff and HAProxy's checks bring it back: wait for both.
    awaitNodes(lbPort, Set.of("lamp-app-1", "lamp-app-2"));
    // Both serve again (awaitNodes); right after, a health check may still be settling, so the next
    // few answers need not alternate, but they all count on in the one database.
    answers = get(lbPort, 4);
    assertThat(nodesIn(answers)).isSubsetOf("lamp-app-1", "lamp-app-2");
    assertIncreasing(answers);

    apps.add(webapp("lamp-app-3", dbImports));
    String added = lb.run("update", RecipeNode.imports("app", apps, "ip", "port"));
    assertThat(added).contains("added app/lamp-app-3").doesNotContain("removed");
    answers = get(lbPort, 6);
    assertThat(nodesIn(answers)).containsExactlyInAnyOrder("lamp-app-1", "lamp-app-2", "lamp-app-3");
    assertIncreasing(answers);
    assertSameHaproxy(lb, master, workers);

    RecipeNode gone = apps.remove(1);
    String removed = lb.run("update", RecipeNode.imports("app", apps, "ip", "port"));
    assertThat(removed).contains("removed app/" + gone.name()).doesNotContain("added");
    answers = get(lbPort, 6);
    assertThat(nodesIn(answers)).containsExactlyInAnyOrder("lamp-app-1", "lamp-app-3");
    assertIncreasing(answers);
    assertSameHaproxy(lb, master, workers);
    apps.add(1, gone);

    // Deletion, in reverse dependency order as the engine does it.
    List<Integer> ports = new ArrayList<>(List.of(lbPort, Integer.parseInt(db.exports().get("port"))));
    for (RecipeNode app : apps) {
      ports.add(Integer.parseInt(app.exports().get("port")));
    }
    List<RecipeNode> deletion = new ArrayList<>(List.of(lb));
    deletion.addAll(apps);
    deletion.add(db);
    for (RecipeNode node : deletion) {
      node.run("stop", Map.of());
      node.run("undeploy", Map.of());
      try (var left = Files.list(node.dir())) {
        assertThat(left.map(Path::getFileName).map(Path::toString).toList()).as(node.name() + "'s files").isEmpty();
      }
    }
    assertThat(pids.stream().filter(LampRecipesIT::running).toList()).as("service processes still running").isEmpty();
    assertThat(ports.stream().filter(LampRecipesIT::listening).toList()).as("ports still open").isEmpty();
  }

  private RecipeNode node(String name, String type, Map<String, String> settings) throws IOException {
    RecipeNode node = new RecipeNode(name, RECIPES.resolve(type).resolve("1.0"), work, agentJar, settings);
    nodes.add(node);
    return node;
  }

  private RecipeNode webapp(String name, Map<String, String> dbImports) throws Exception {
    RecipeNode app = node(name, "webapp", Map.of("java_opts", "-Xmx64m -XX:TieredStopAtLevel=1"));
    app.create(dbImports);
    assertThat(app.exports()).containsEntry("ip", "127.0.0.1").containsKey("port");
    pids.add(pidIn(app, "webapp.pid"));
    return app;
  }

  /** {@code count} answers of {@code GET /} through the load balancer; each must be a 200. */
  private List<JsonObject> get(int port, int count) throws Exception {
    List<JsonObject> answers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
          .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET / through HAProxy: " + response.body()).isEqualTo(200);
      answers.add(new JsonObject(response.body()));
    }
    return answers;
  }

  /** Polls {@code GET /} through the load balancer until it answers {@code status}; returns that answer. */
  private String awaitStatus(int port, int status) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String last = "nothing";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
          .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
      last = response.statusCode() + " " + response.body();
      if (response.statusCode() == status) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("GET / through HAProxy did not answer " + status + " within 20 s; last: " + last);
  }

  /** Polls {@code GET /} through the load balancer until every one of {@code expected} has answered 200. */
  private void awaitNodes(int port, Set<String> expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Set<String> seen = new HashSet<>();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
          .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        seen.add(new JsonObject(response.body()).getString("node"));
        if (seen.containsAll(expected)) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("within 20 s through HAProxy, only " + seen + " of " + expected + " answered 200");
  }

  private static Set<String> nodesIn(List<JsonObject> answers) {
    return answers.stream().map(answer -> answer.getString("node")).collect(Collectors.toSet());
  }

  /** One counter in the database for every node: each answer's is above the one before. */
  private static void assertIncreasing(List<JsonObject> answers) {
    List<Long> counters = answers.stream().map(answer -> answer.getLong("counter")).toList();
    for (int i = 1; i < counters.size(); i++) {
      assertThat(counters.get(i)).as("counters " + counters).isGreaterThan(counters.get(i - 1));
    }
  }

  /** No restart (same master) and no reload (a reload forks a new worker). */
  private static void assertSameHaproxy(RecipeNode lb, long master, Set<Long> workers) throws IOException {
    assertThat(pidIn(lb, "haproxy.pid")).as("HAProxy's master pid").isEqualTo(master);
    assertThat(running(master)).as("HAProxy's master running").isTrue();
    assertThat(children(master)).as("HAProxy's worker pids").isEqualTo(workers);
  }

  private static long pidIn(RecipeNode node, String file) {
    try {
      return Long.parseLong(Files.readString(node.dir().resolve(file)).trim());
    } catch (IOException missing) {
      throw new AssertionError(node.name() + ": no " + file, missing);
    }
  }

  private static Set<Long> children(long pid) {
    return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::children).filter(child -> running(child.pid()))
        .map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  /** Alive and not a zombie: a stopped daemon's parent (init here) may reap it late. */
  private static boolean running(long pid) {
    try {
      Map<String, String> status = new LinkedHashMap<>();
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          status.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
      }
      return !status.getOrDefault("State", "Z").startsWith("Z");
    } catch (IOException gone) {
      return false;
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
