package io.rainhub.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.ChildProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered hubs on one PostgreSQL database with real agents on both: the one holding the
 * database lease is killed (-9) or hung (SIGSTOP), the other takes over fast, no healthy node is
 * declared SUSPECT or LOST, no accepted request is lost, and the hung one, woken, writes nothing.
 */
class ClusterTakeoverIT {

  private static final Duration START = Duration.ofSeconds(90);
  private static final long TTL_MS = 1500;
  private static final long LEASE_MS = 2000;
  private static final String PASSWORD = "cluster-it-admin-password";
  private static final String LEADS = "This hub runs the hypervisor";

  @TempDir
  Path work;

  private final List<ChildProcess> processes = new ArrayList<>();
  private final List<ChildProcess> hubs = new ArrayList<>();
  private ClusterDatabase database;

  @AfterEach
  void stopAll() throws Exception {
    for (ChildProcess process : processes) {
      process.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @Test
  void killingTheLeaderWithAgentsOnBothHubsIsFastAndQuiet() throws Exception {
    int[] http = startCluster();
    ChildProcess leader = hubs.get(0);
    ChildProcess follower = hubs.get(1);
    HubApi viaA = new HubApi(http[0]).login(PASSWORD);
    HubApi viaB = new HubApi(http[1]).login(PASSWORD);

    // Placement stays single-writer across hubs: 20 concurrent instantiations, half through each
    // hub, into room for 3.
    JsonObject tight = viaA.send("POST", "/mothership/", new JsonObject().put("name", "tight").put("address", "t:1")
        .put("labels", new JsonObject().put("pool", "tight"))
        .put("capacity", new JsonObject().put("cpu", 3).put("ramMb", 3072).put("bandwidthMbps", 30))).json();
    deploy(viaA, "squeeze", new JsonObject().put("pool", "tight"));
    ExecutorService clients = Executors.newFixedThreadPool(20);
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      HubApi via = i % 2 == 0 ? viaA : viaB;
      answers.add(clients.submit(() -> via.send("POST", "/webcomponent/squeeze/1.0", new JsonObject()).status()));
    }
    int placed = 0;
    for (Future<Integer> answer : answers) {
      placed += answer.get() == 201 ? 1 : 0;
    }
    assertThat(placed).as("instantiations accepted into room for 3").isEqualTo(3);
    assertThat(database.queryLong("SELECT COUNT(*) FROM placements WHERE mothership_id = '"
        + tight.getString("id") + "'")).isEqualTo(3);

    // One real agent on each hub; the one on the leader lists the other hub to fail over to.
    Path scripts = work.resolve("scripts");
    Files.writeString(Files.createDirectories(scripts.resolve("web").resolve("1.0")).resolve("start.sh"),
        "#!/bin/bash\nexit 0\n");
    startAgent("on-a", viaA, scripts, "ws://127.0.0.1:" + http[0] + ",ws://127.0.0.1:" + http[1]);
    startAgent("on-b", viaA, scripts, "ws://127.0.0.1:" + http[1] + ",ws://127.0.0.1:" + http[0]);
    viaA.awaitMothership("on-a", START);
    viaA.awaitMothership("on-b", START);
    deploy(viaA, "web", new JsonObject());
    List<String> instances = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String id = viaA.send("POST", "/webcomponent/web/1.0", new JsonObject()).json().getString("instanceId");
      HubApi.await("instance RUNNING", START, () -> viaA.get("/webcomponent/" + id),
          instance -> "RUNNING".equals(instance.getString("state")));
      instances.add(id);
    }
    Map<String, String> hostOf = new java.util.HashMap<>();
    for (String id : instances) {
      hostOf.put(id, viaA.get("/webcomponent/" + id).getJsonArray("placements").getJsonObject(0)
          .getString("mothershipId"));
    }
    long mark = viaB.get("/v1.0/events?since=0&limit=1").getLong("newestSeq");

    // Clients keep registering through the surviving hub across the kill.
    List<String> accepted = new CopyOnWriteArrayList<>();
    List<String> refused = new CopyOnWriteArrayList<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    Future<?> load = clients.submit(() -> {
      for (int n = 0; writing.get(); n++) {
        String name = "during-" + n;
        HubApi.Response answer = viaB.send("POST", "/mothership/", new JsonObject().put("name", name)
            .put("address", name + ":1")
            .put("capacity", new JsonObject().put("cpu", 1).put("ramMb", 128).put("bandwidthMbps", 1)));
        (answer.status() == 201 ? accepted : refused).add(name + " " + answer.status());
        Thread.sleep(50);
      }
      return null;
    });
    Thread.sleep(500);

    long killed = System.nanoTime();
    leader.kill();
    follower.awaitLine(LEADS, Duration.ofSeconds(30));
    long takeoverMillis = (System.nanoTime() - killed) / 1_000_000;
    Thread.sleep(3 * TTL_MS); // long enough for a wrong SUSPECT or LOST, and for the agent on A to fail over
    writing.set(false);
    load.get();
    clients.shutdown();

    assertThat(takeoverMillis).as("takeover time after kill -9, ms").isLessThanOrEqualTo(5_000);
    // The new leader forgot every heartbeat at takeover: one heard since then from the agent that
    // was on the dead hub means it failed over to the survivor.
    JsonArray agents = viaB.get("/v1.0/agents").getJsonArray("items");
    for (String name : List.of("on-a", "on-b")) {
      JsonObject agent = agents.stream().map(JsonObject.class::cast).filter(a -> name.equals(a.getString("name")))
          .findFirst().orElseThrow();
      assertThat(agent.getString("lastHeartbeatAt")).as(name + " heartbeats to the new leader").isNotNull();
      assertThat(agent.getString("state")).as(name).isEqualTo("AVAILABLE");
    }
    JsonArray trouble = viaB.get("/v1.0/events?since=" + mark
        + "&types=node.suspect,node.lost,instance.rescheduled,instance.unplaced").getJsonArray("items");
    assertThat(trouble).as("nothing declared SUSPECT or LOST, nothing moved").isEmpty();
    for (String id : instances) {
      JsonObject instance = viaB.get("/webcomponent/" + id);
      assertThat(instance.getString("state")).isEqualTo("RUNNING");
      assertThat(instance.getJsonArray("placements").getJsonObject(0).getString("mothershipId"))
          .isEqualTo(hostOf.get(id));
    }
    String all = viaB.get("/mothership/all").encode();
    assertThat(accepted).as("registrations accepted while the leader died").isNotEmpty();
    for (String line : accepted) {
      String name = line.split(" ")[0];
      assertThat(all.split("\"" + name + "\"", -1)).as(name + " stored exactly once").hasSize(2);
    }
    assertThat(refused).as("requests refused during the takeover (the hub retries them at the new leader)")
        .isEmpty();
    System.out.printf("ClusterTakeoverIT: takeover %d ms after kill -9; %d registrations accepted during it%n",
        takeoverMillis, accepted.size());
  }

  @Test
  void aHungLeaderIsReplacedAndWritesNothingWhenItWakesAndAStandaloneHubIsRefused() throws Exception {
    int[] http = startCluster();
    ChildProcess leader = hubs.get(0);
    ChildProcess follower = hubs.get(1);

    // A standalone hub on the cluster's database is refused while the leader renews its lease.
    Path standaloneDir = Files.createDirectories(work.resolve("standalone"));
    ChildProcess standalone = ChildProcess.java("standalone", standaloneDir, Map.of("RAINHUB_ADMIN_PASSWORD", PASSWORD),
        hubJar(), "serve", "--host", "127.0.0.1", "--port", Integer.toString(ChildProcess.freePort()),
        "--db", database.uri(), "--data-dir", standaloneDir.resolve("data").toString(),
        "--leader-lease-ms", Long.toString(LEASE_MS));
    processes.add(standalone);
    assertThat(standalone.awaitExit(Duration.ofSeconds(60))).isNotZero();
    assertThat(standalone.output()).contains("Another hub is running on this database");

    HubApi viaA = new HubApi(http[0]).login(PASSWORD);
    HubApi viaB = new HubApi(http[1]).login(PASSWORD);
    assertThat(viaB.send("POST", "/mothership/", mothership("before")).status()).isEqualTo(201);
    long oldEpoch = database.queryLong("SELECT epoch FROM leases");

    long stopped = System.nanoTime();
    leader.signal("STOP");
    follower.awaitLine(LEADS, Duration.ofMillis(LEASE_MS + 10_000));
    long takeoverMillis = (System.nanoTime() - stopped) / 1_000_000;
    assertThat(viaB.send("POST", "/mothership/", mothership("under-new-leader")).status()).isEqualTo(201);

    // A request reaching the hung hub waits in its socket; when it wakes, its old hypervisor may
    // take it, but the write is fenced and the request ends up applied once, by the new leader.
    ExecutorService client = Executors.newSingleThreadExecutor();
    Future<HubApi.Response> toHung = client.submit(() -> viaA.send("POST", "/mothership/", mothership("sent-to-hung")));
    Thread.sleep(500);
    leader.signal("CONT");
    leader.awaitLine("no longer holds the database lease", Duration.ofSeconds(20));
    HubApi.Response answered = toHung.get();
    client.shutdown();

    assertThat(takeoverMillis).as("takeover after SIGSTOP, ms").isLessThanOrEqualTo(LEASE_MS + 5_000);
    assertThat(database.queryLong("SELECT epoch FROM leases")).isGreaterThan(oldEpoch);
    assertThat(database.queryLong("SELECT COUNT(*) FROM events WHERE epoch <= " + oldEpoch
        + " AND seq > (SELECT MIN(seq) FROM events WHERE epoch > " + oldEpoch + ")"))
        .as("events the deposed leader wrote after its successor began").isZero();
    assertThat(answered.status()).as(answered.body()).isEqualTo(201);
    assertThat(database.queryLong("SELECT COUNT(*) FROM motherships WHERE name = 'sent-to-hung'")).isOne();
    System.out.printf("ClusterTakeoverIT: takeover %d ms after SIGSTOP (lease %d ms)%n", takeoverMillis, LEASE_MS);
  }

  /** A fresh database and two clustered hubs on it, the first holding the lease; their HTTP ports. */
  private int[] startCluster() throws Exception {
    database = ClusterDatabase.create();
    int[] http = {ChildProcess.freePort(), ChildProcess.freePort()};
    int[] cluster = {ChildProcess.freePort(), ChildProcess.freePort()};
    hubs.add(startHub("a", http[0], cluster, 0));
    hubs.get(0).awaitLine(LEADS, START);
    hubs.add(startHub("b", http[1], cluster, 1));
    hubs.get(1).awaitLine("Rain Hub serving", START);
    return http;
  }

  private ChildProcess startHub(String name, int httpPort, int[] clusterPorts, int self) throws Exception {
    Path dir = Files.createDirectories(work.resolve(name));
    ChildProcess hub = ChildProcess.java("hub-" + name, dir, Map.of("RAINHUB_ADMIN_PASSWORD", PASSWORD), hubJar(),
        "serve", "--cluster", "--db", database.uri(), "--host", "127.0.0.1", "--port", Integer.toString(httpPort),
        "--data-dir", dir.resolve("data").toString(),
        "--cluster-host", "127.0.0.1", "--cluster-port", Integer.toString(clusterPorts[self]),
        "--cluster-members", "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1],
        "--heartbeat-interval-ms", "500", "--agent-ttl-ms", Long.toString(TTL_MS),
        "--leader-lease-ms", Long.toString(LEASE_MS));
    processes.add(hub);
    return hub;
  }

  private void startAgent(String name, HubApi api, Path scripts, String hubs) throws Exception {
    processes.add(ChildProcess.java("agent-" + name, Files.createDirectories(work.resolve("agent-" + name)), Map.of(),
        ChildProcess.existingJar(Path.of("target", "rain-agent.jar")),
        "--hub", hubs, "--token", api.agentToken(name), "--kind", "mothership", "--name", name,
        "--capacity", "cpu=4,ramMb=4096,bandwidthMbps=100", "--scripts", scripts.toString(),
        "--state-dir", work.resolve("state-" + name).toString()));
  }

  private static void deploy(HubApi api, String id, JsonObject labels) throws Exception {
    HubApi.Response deployed = api.send("POST", "/webcomponent/", new JsonObject().put("id", id).put("version", "1.0")
        .put("urls", new JsonArray().add("/" + id + "/*")).put("labels", labels)
        .put("resources", new JsonObject().put("cpu", 1).put("ramMb", 256).put("bandwidthMbps", 1)));
    assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
  }

  private static JsonObject mothership(String name) {
    return new JsonObject().put("name", name).put("address", name + ":1")
        .put("capacity", new JsonObject().put("cpu", 1).put("ramMb", 128).put("bandwidthMbps", 1));
  }

  private static Path hubJar() {
    return ChildProcess.existingJar(Path.of("..", "hub", "target", "rainhub.jar"));
  }
}
