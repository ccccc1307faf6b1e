package io.rainhub.bench;

import io.rainhub.agent.AgentCounters;
import io.rainhub.agent.sim.AgentSimulator;
import io.rainhub.agent.sim.BlastResult;
import io.rainhub.agent.sim.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.function.BiPredicate;

/**
 * Benchmark of the hub's agent gateway with thousands of agents on one hub; see
 * {@code bin/bench-agents} and BENCHMARKS.md. Phases, each bounded in time:
 *
 * <ol>
 *   <li>a. connect: {@code --agents} simulated agents ({@link AgentSimulator}, in this JVM, the
 *       real agent session and WebSocket transport) at {@code --connect-rate} per second; time
 *       until every one is welcomed; {@code GET /v1.0/agents} must list them;</li>
 *   <li>b. steady state: {@code --steady-seconds} of heartbeats every {@code --heartbeat-ms}; the
 *       hub's CPU (from /proc), its heap after a full GC ({@code jcmd PID GC.run}, then
 *       {@code jvm_memory_used_bytes{area="heap"}} of /metrics), and heartbeat-to-map latency
 *       ({@code rainhub_agent_heartbeat_applied_seconds} of /metrics);</li>
 *   <li>c. command round trip: {@code POST /v1.0/nodes/{id}/commands} (guest) to random simulated
 *       nodes, {@code --in-flight} at a time, timed end to end over HTTP;</li>
 *   <li>d. frame throughput: {@code --blast-agents} more agents flood heartbeats for
 *       {@code --blast-seconds} (after an uncounted warm-up) at {@link BareWebSocketServer} in a
 *       process of its own (the baseline the target is held to: like the hub, a JVM of its own),
 *       at the same server deployed in this JVM (on the senders' event loops), then at the hub
 *       (frames counted by the hub: its applied-heartbeat count, less the idle agents' rate); the
 *       idle agents stay connected to the hub throughout;</li>
 *   <li>e. kill -9 to LOST: {@code --kills} times, a real agent process is started, awaited
 *       AVAILABLE, killed with SIGKILL, and {@code GET /mothership/{id}} is polled every 20 ms
 *       until LOST;</li>
 *   <li>f. a summary with the machine, the commit, every figure and its target.</li>
 * </ol>
 *
 * <p>They run in the order a, b, c, e, d: the flood of d can take the hub down (it has no
 * backpressure from its sockets to the hypervisor yet), so it comes last, and within d the bare
 * baselines run before the hub.
 *
 * <p>Traffic goes only to the hub URL given (loopback expected) and to the bare server on
 * 127.0.0.1.
 */
public final class AgentBenchmark {

  static final double P99_TARGET_MS = 50;
  static final double HEAP_TARGET_MIB = 512;
  static final double HEAP_PER_AGENT_TARGET_KIB = 50;
  static final double FRAME_RATIO_TARGET = 0.5;
  static final long LOST_SLACK_MS = 500;
  private static final long REQUEST_TIMEOUT_MS = 30_000;
  private static final long PHASE_TIMEOUT_S = 900;
  private static final long POLL_MS = 20;
  private static final String SIM_PREFIX = "sim-";

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("AgentBenchmark: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    int status;
    AgentBenchmark benchmark = new AgentBenchmark(vertx, options);
    try {
      benchmark.run();
      status = 0;
    } catch (BenchmarkFailure e) {
      System.err.println("AgentBenchmark: FAILED: " + e.getMessage());
      status = 1;
    } catch (Exception e) {
      System.err.println("AgentBenchmark: FAILED: " + e);
      e.printStackTrace();
      status = 1;
    } finally {
      benchmark.cleanUp();
      try {
        vertx.close().await(20, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
    System.exit(status);
  }

  private final Vertx vertx;
  private final Options options;
  private final WebClient client;
  private final CpuMeter cpu;
  private final Map<String, String> figures = new LinkedHashMap<>();
  private final List<String> targets = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> skewed = new ArrayList<>();
  private final List<Process> agentProcesses = new ArrayList<>();
  private AgentSimulator fleet;
  private Path work;
  private String authorization;
  private String agentToken;

  AgentBenchmark(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.options = options;
    this.client = WebClient.create(vertx,
        new WebClientOptions()
            .setDefaultHost(options.hub.getHost())
            .setDefaultPort(options.hub.getPort())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setUserAgent("rainhub-benchmarks"),
        new PoolOptions().setHttp1MaxSize(Math.max(options.inFlight, 8) + 4).setMaxWaitQueueSize(-1));
    this.cpu = new CpuMeter(options.hubPid);
  }

  void run() throws Exception {
    Map<String, String> facts = Machine.facts();
    say("machine: " + facts.get("cpus") + " cpus, " + facts.get("cpu model") + ", " + facts.get("memory")
        + " RAM; " + facts.get("java") + "; load " + facts.get("load"));
    say("hub: " + options.hub + (options.hubPid > 0 ? " (pid " + options.hubPid + ")" : "")
        + "; heartbeat " + options.heartbeatMs + " ms, TTL " + options.ttlMs + " ms");
    work = Files.createTempDirectory("rainhub-bench-agents-");
    login();
    agentToken = issueAgentToken();

    Heap before = heap();
    say(String.format(Locale.ROOT, "hub heap after a full GC, before any agent: %s", before.describe()));

    connect();
    steady(before);
    commands();
    // e before d: the flood of d can take the hub down, so it runs last
    kills();
    blast();
    stopFleet();
    summary(facts);
  }

  // --- setup

  private void login() {
    HttpResponse<Buffer> response = await(client.post("/auth/login").timeout(REQUEST_TIMEOUT_MS)
        .sendJsonObject(new JsonObject().put("username", "admin").put("password", options.password)), "login");
    if (response.statusCode() != 200 || response.bodyAsJsonObject().getString("token") == null) {
      throw new BenchmarkFailure("login as admin answered " + response.statusCode() + ": "
          + response.bodyAsString());
    }
    authorization = "Bearer " + response.bodyAsJsonObject().getString("token");
  }

  private String issueAgentToken() {
    HttpResponse<Buffer> response = await(client.post("/v1.0/agent-tokens").putHeader("Authorization", authorization)
        .timeout(REQUEST_TIMEOUT_MS).sendJsonObject(new JsonObject().put("name", "bench-agents").put("ttlDays", 1)),
        "POST /v1.0/agent-tokens");
    if (response.statusCode() / 100 != 2 || response.bodyAsJsonObject().getString("token") == null) {
      throw new BenchmarkFailure("POST /v1.0/agent-tokens answered " + response.statusCode() + ": "
          + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getString("token");
  }

  private String wsHub() {
    return "ws://" + options.hub.getHost() + ":" + options.hub.getPort();
  }

  // --- a. connect

  private void connect() {
    say(String.format(Locale.ROOT, "a. connecting %d simulated agents at %.0f/s, heartbeat every %d ms...",
        options.agents, options.connectRate, options.heartbeatMs));
    fleet = new AgentSimulator(vertx, new SimulatorOptions().setHub(wsHub()).setToken(agentToken)
        .setCount(options.agents).setHeartbeatMs(options.heartbeatMs).setConnectRatePerSecond(options.connectRate)
        .setNamePrefix(SIM_PREFIX));
    long timeoutS = Math.max(120, (long) (options.agents / options.connectRate * 3) + 60);
    CpuWindow cpuBefore = cpuWindow();
    long started = System.nanoTime();
    Future<Void> welcomed = fleet.start();
    waitFor(welcomed, timeoutS, "connect", () -> fleet.counters() + (fleet.counters().lastError() == null ? ""
        : "; last error: " + fleet.counters().lastError()));
    long wall = System.nanoTime() - started;
    if (welcomed.failed() || !welcomed.isComplete()) {
      throw new BenchmarkFailure("not every agent was welcomed within " + timeoutS + " s: "
          + fleet.counters() + (fleet.counters().lastError() == null ? "" : "; last error: "
          + fleet.counters().lastError()));
    }
    CpuMeter.Usage usage = cpuSince(cpuBefore);
    AgentCounters c = fleet.counters();
    say(String.format(Locale.ROOT, "a. all %d agents welcomed in %.1f s (%.0f/s); %s", options.agents, wall / 1e9,
        options.agents / (wall / 1e9), c));
    say("a. cpu: " + usage.describe());
    figures.put("connect", String.format(Locale.ROOT, "%d agents welcomed in %.1f s (%.0f/s, ramp %.0f/s); "
        + "reconnects %d, errors %d", options.agents, wall / 1e9, options.agents / (wall / 1e9), options.connectRate,
        c.reconnects(), c.errors()));
    figures.put("cpu (connect)", usage.describe());
    skew("connect", usage.otherCores());
    Map<String, Integer> states = agentStates();
    say("a. GET /v1.0/agents: " + states);
    figures.put("GET /v1.0/agents", "after connect: " + states);
    int listed = states.getOrDefault("sim total", 0);
    if (listed != options.agents) {
      throw new BenchmarkFailure("GET /v1.0/agents lists " + listed + " simulated agents, not "
          + options.agents + ": " + states);
    }
  }

  private List<JsonObject> listAgents() {
    HttpResponse<Buffer> response = await(client.get("/v1.0/agents").putHeader("Authorization", authorization)
        .timeout(REQUEST_TIMEOUT_MS).send(), "GET /v1.0/agents");
    if (response.statusCode() != 200) {
      throw new BenchmarkFailure("GET /v1.0/agents answered " + response.statusCode() + ": "
          + response.bodyAsString());
    }
    JsonArray items = response.bodyAsJsonObject().getJsonArray("items", new JsonArray());
    List<JsonObject> agents = new ArrayList<>(items.size());
    items.forEach(item -> agents.add((JsonObject) item));
    return agents;
  }

  /** Simulated agents listed by the hub, by state ("sim total" for all of them). */
  private Map<String, Integer> agentStates() {
    Map<String, Integer> states = new TreeMap<>();
    for (JsonObject agent : listAgents()) {
      if (agent.getString("name", "").startsWith(SIM_PREFIX)) {
        states.merge("sim total", 1, Integer::sum);
        states.merge(agent.getString("state", "?"), 1, Integer::sum);
      }
    }
    return states;
  }

  // --- b. steady state

  private void steady(Heap empty) {
    say(String.format(Locale.ROOT, "b. steady state for %d s (heartbeats only)...", options.steadySeconds));
    Metrics start = metrics();
    long reconnects = fleet.counters().reconnects();
    long errors = fleet.counters().errors();
    CpuWindow cpuBefore = cpuWindow();
    long started = System.nanoTime();
    long end = started + TimeUnit.SECONDS.toNanos(options.steadySeconds);
    long nextReport = started + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < end) {
      sleep(Math.min(500, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
      if (System.nanoTime() >= nextReport) {
        say(String.format(Locale.ROOT, "b. %.0f s: %s", (System.nanoTime() - started) / 1e9, fleet.counters()));
        nextReport += TimeUnit.SECONDS.toNanos(15);
      }
    }
    long wall = System.nanoTime() - started;
    Metrics stop = metrics();
    CpuMeter.Usage usage = cpuSince(cpuBefore);
    double seconds = wall / 1e9;
    double applied = stop.heartbeatCount() - start.heartbeatCount();
    double expected = options.agents * seconds * 1000.0 / options.heartbeatMs;
    double meanMs = applied <= 0 ? 0 : (stop.heartbeatSum() - start.heartbeatSum()) / applied * 1000;
    double p50 = stop.heartbeatQuantileMs("0.5");
    double p99 = stop.heartbeatQuantileMs("0.99");
    say(String.format(Locale.ROOT, "b. heartbeats applied: %.0f in %.1f s (%.0f/s; %.0f/s expected from %d agents)",
        applied, seconds, applied / seconds, expected / seconds, options.agents));
    say(String.format(Locale.ROOT, "b. heartbeat-to-map: p50 %.2f ms, p99 %.2f ms (hub's Micrometer window), "
        + "mean %.2f ms over the window, max %.2f ms", p50, p99, meanMs, stop.heartbeatMaxMs()));
    say("b. cpu: " + usage.describe());
    long newReconnects = fleet.counters().reconnects() - reconnects;
    long newErrors = fleet.counters().errors() - errors;
    Map<String, Integer> states = agentStates();
    say("b. GET /v1.0/agents: " + states + "; simulator: " + fleet.counters());

    Heap full = heap();
    double perAgentKib = full.usedBytes / 1024.0 / options.agents;
    double marginalKib = (full.usedBytes - empty.usedBytes) / 1024.0 / options.agents;
    say(String.format(Locale.ROOT, "b. hub heap after a full GC with %d agents: %s; %.1f KiB per agent "
        + "(%.1f KiB above the empty hub's %.1f MiB)", options.agents, full.describe(), perAgentKib, marginalKib,
        empty.usedBytes / 1048576.0));

    figures.put("heartbeats", String.format(Locale.ROOT, "%.0f applied in %.1f s: %.0f/s (expected %.0f/s); "
        + "reconnects %d, errors %d during the window", applied, seconds, applied / seconds, expected / seconds,
        newReconnects, newErrors));
    figures.put("heartbeat->map", String.format(Locale.ROOT, "p50 %.2f ms  p99 %.2f ms  (window mean %.2f ms, "
        + "decayed max %.2f ms)", p50, p99, meanMs, stop.heartbeatMaxMs()));
    figures.put("cpu (steady)", usage.describe());
    skew("steady state", usage.otherCores());
    figures.put("hub heap", String.format(Locale.ROOT, "%s after GC.run with %d agents; empty hub %.1f MiB",
        full.describe(), options.agents, empty.usedBytes / 1048576.0));
    figures.put("heap per agent", String.format(Locale.ROOT, "%.1f KiB (all heap / agents); %.1f KiB marginal "
        + "((heap - empty hub's) / agents)", perAgentKib, marginalKib));
    figures.put("agent states", "after steady state: " + states);
    targets.add(target("heartbeat p99", p99, P99_TARGET_MS, "ms", true));
    targets.add(target("hub heap", full.usedBytes / 1048576.0, HEAP_TARGET_MIB, "MiB", true));
    targets.add(target("heap per agent", perAgentKib, HEAP_PER_AGENT_TARGET_KIB, "KiB", true));
    if (newReconnects > 0 || newErrors > 0 || states.getOrDefault("AVAILABLE", 0) != options.agents) {
      notes.add("steady state was not clean: " + newReconnects + " reconnects, " + newErrors + " errors, states "
          + states + (fleet.counters().lastError() == null ? "" : "; last error: " + fleet.counters().lastError()));
    }
  }

  // --- c. command round trip

  private void commands() {
    List<String> nodes = new ArrayList<>();
    for (JsonObject agent : listAgents()) {
      if (agent.getString("name", "").startsWith(SIM_PREFIX) && "AVAILABLE".equals(agent.getString("state"))) {
        nodes.add(agent.getString("nodeId"));
      }
    }
    if (nodes.isEmpty()) {
      throw new BenchmarkFailure("no AVAILABLE simulated node to send commands to");
    }
    Random random = new Random(42);
    IntFunction<Future<HttpResponse<Buffer>>> send = i -> client
        .post("/v1.0/nodes/" + nodes.get(random.nextInt(nodes.size())) + "/commands")
        .putHeader("Authorization", authorization).timeout(REQUEST_TIMEOUT_MS)
        .sendJsonObject(new JsonObject().put("action", "guest")
            .put("args", new JsonObject().put("command", "echo bench-" + i)).put("timeoutMs", 10_000));
    String[] commandIds = new String[Math.max(options.commands, options.commandWarmup)];
    BiPredicate<Integer, HttpResponse<Buffer>> succeeded = (i, response) -> {
      try {
        JsonObject finished = response.bodyAsJsonObject();
        commandIds[i] = finished.getString("commandId");
        return "SUCCEEDED".equals(finished.getString("state"));
      } catch (RuntimeException e) {
        return false;
      }
    };
    say(String.format(Locale.ROOT, "c. command round trip: %d guest commands as a warm-up (not counted), then %d, "
        + "%d in flight, to random nodes among %d...", options.commandWarmup, options.commands, options.inFlight,
        nodes.size()));
    if (options.commandWarmup > 0) {
      Drive warm = drive("command warm-up", options.commandWarmup, options.inFlight, send, succeeded);
      say("c. warm-up: " + warm.run.statusLine() + ", not SUCCEEDED: " + warm.notSucceeded);
    }
    CpuWindow cpuBefore = cpuWindow();
    Drive measured = drive("commands", options.commands, options.inFlight, send, succeeded);
    CpuMeter.Usage usage = cpuSince(cpuBefore);
    RequestBatch run = measured.run;
    double rate = run.ok() / (run.wallNanos / 1e9);
    say(String.format(Locale.ROOT, "c. %s; not SUCCEEDED %d; %.0f commands/s; p50 %.1f ms p99 %.1f ms max %.1f ms",
        run.statusLine(), measured.notSucceeded.get(), rate, run.percentileMs(50), run.percentileMs(99),
        run.percentileMs(100)));
    say("c. cpu: " + usage.describe());
    if (!run.samplesText().isEmpty()) {
      say("c. problems:" + run.samplesText());
    }
    String split = commandSplit(run, commandIds);
    say("c. " + split);
    figures.put("commands", String.format(Locale.ROOT, "%d guest (+%d warm-up), %d in flight: %s, "
        + "not SUCCEEDED %d; %.0f commands/s", options.commands, options.commandWarmup, options.inFlight,
        run.statusLine(), measured.notSucceeded.get(), rate));
    figures.put("command round trip", String.format(Locale.ROOT, "p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms",
        run.percentileMs(50), run.percentileMs(90), run.percentileMs(99), run.percentileMs(100)));
    figures.put("command split", split);
    figures.put("cpu (commands)", usage.describe());
    skew("commands", usage.otherCores());
    targets.add(target("command p99", run.percentileMs(99), P99_TARGET_MS, "ms", true));
    if (run.ok() < options.commands || measured.notSucceeded.get() > 0) {
      notes.add("commands: " + run.statusLine() + ", not SUCCEEDED " + measured.notSucceeded.get()
          + run.samplesText());
    }
  }

  /**
   * Where a round trip's time goes, for a sample of the measured commands: the hub stamps
   * {@code createdAt} when the hypervisor queues the command and {@code finishedAt} when it takes
   * the agent's result (both before the commit that stores them); the rest is HTTP, the event bus
   * and the two commits.
   */
  private String commandSplit(RequestBatch run, String[] commandIds) {
    List<Double> inside = new ArrayList<>();
    List<Double> whole = new ArrayList<>();
    Random random = new Random(7);
    for (int n = 0; n < Math.min(50, run.total); n++) {
      int i = random.nextInt(run.total);
      if (commandIds[i] == null) {
        continue;
      }
      HttpResponse<Buffer> response = await(client.get("/v1.0/commands/" + commandIds[i])
          .putHeader("Authorization", authorization).timeout(REQUEST_TIMEOUT_MS).send(), "GET /v1.0/commands/{id}");
      if (response.statusCode() != 200) {
        continue;
      }
      JsonObject command = response.bodyAsJsonObject();
      try {
        OffsetDateTime created = OffsetDateTime.parse(command.getString("createdAt"));
        OffsetDateTime finished = OffsetDateTime.parse(command.getString("finishedAt"));
        inside.add(Duration.between(created, finished).toNanos() / 1e6);
        whole.add(run.latencies[i] / 1e6);
      } catch (RuntimeException e) {
        // no finishedAt: not finished, nothing to split
      }
    }
    if (inside.isEmpty()) {
      return "no finished command to split";
    }
    inside.sort(null);
    whole.sort(null);
    return String.format(Locale.ROOT, "split of %d sampled commands: queued -> result taken (hub clock) p50 %.1f ms, "
        + "max %.1f ms; whole round trip of the same p50 %.1f ms, max %.1f ms", inside.size(),
        inside.get(inside.size() / 2), inside.get(inside.size() - 1), whole.get(whole.size() / 2),
        whole.get(whole.size() - 1));
  }

  record Drive(RequestBatch run, AtomicInteger notSucceeded) {}

  /** {@code total} requests, {@code concurrency} at a time; 200 answers that fail {@code good} are counted apart. */
  private Drive drive(String what, int total, int concurrency, IntFunction<Future<HttpResponse<Buffer>>> send,
      BiPredicate<Integer, HttpResponse<Buffer>> good) {
    RequestBatch run = new RequestBatch(total, 200);
    AtomicInteger bad = new AtomicInteger();
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    long start = System.nanoTime();
    Runnable[] fire = new Runnable[1];
    fire[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= total) {
        return;
      }
      long sent = System.nanoTime();
      Future<HttpResponse<Buffer>> future;
      try {
        future = send.apply(i);
      } catch (RuntimeException e) {
        future = Future.failedFuture(e);
      }
      future.onComplete(ar -> {
        run.latencies[i] = System.nanoTime() - sent;
        if (ar.succeeded()) {
          run.status(ar.result());
          if (ar.result().statusCode() == 200 && !good.test(i, ar.result())) {
            bad.incrementAndGet();
          }
        } else {
          run.error(String.valueOf(ar.cause()));
        }
        if (finished.incrementAndGet() == total) {
          run.wallNanos = System.nanoTime() - start;
          done.tryComplete();
        } else {
          fire[0].run();
        }
      });
    };
    // one context: the shared Random and the counters are touched from one event loop only
    vertx.runOnContext(v -> {
      for (int w = 0; w < Math.min(concurrency, total); w++) {
        fire[0].run();
      }
    });
    try {
      done.future().await(PHASE_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new BenchmarkFailure(what + " did not finish within " + PHASE_TIMEOUT_S + " s ("
          + finished.get() + " of " + total + " answered)");
    }
    return new Drive(run, bad);
  }

  // --- d. frame throughput

  /**
   * Frame throughput: the bare baselines first (while the hub idles with its agents), the hub last,
   * because a flood can take the hub down (it did in every 10,000-agent run so far; BENCHMARKS.md).
   */
  private void blast() {
    if (options.blastSeconds == 0) {
      return;
    }
    say(String.format(Locale.ROOT, "d. frame throughput: %d agents flood heartbeats for %d s (after a %d s warm-up) "
        + "at a bare Vert.x WebSocket server in its own process, at the same server in this JVM, then at the hub; "
        + "the %d idle agents stay connected to the hub", options.blastAgents, options.blastSeconds,
        options.blastWarmupSeconds, options.agents));
    figures.put("blast", String.format(Locale.ROOT, "%d agents flooding heartbeats for %d s each run (after an "
        + "uncounted %d s warm-up), under write-queue backpressure; %d idle agents connected to the hub throughout",
        options.blastAgents, options.blastSeconds, options.blastWarmupSeconds, options.agents));

    // bare, in a process of its own (the fair baseline: the hub is one too), then in this JVM
    Bare own = bareInProcess();
    Bare shared = bareInThisJvm();
    figures.put("bare frames/s", String.format(Locale.ROOT, "%.0f received, %.0f sent: BareWebSocketServer in a "
        + "process of its own (-Xmx1g, like the hub)%n%.0f received, %.0f sent: the same server in the benchmark JVM "
        + "(on the senders' event loops)", own.rate, own.sent, shared.rate, shared.sent));
    figures.put("cpu (bare blasts)", "own process: " + own.cpu + "\nbenchmark JVM: " + shared.cpu);

    // the hub
    AgentSimulator blasters = new AgentSimulator(vertx, new SimulatorOptions().setHub(wsHub()).setToken(agentToken)
        .setCount(options.blastAgents).setHeartbeatMs(options.heartbeatMs).setConnectRatePerSecond(options.connectRate)
        .setNamePrefix("blast-"));
    try {
      double hubRate = hubBlast(blasters);
      double ratio = own.rate <= 0 ? 0 : hubRate / own.rate;
      say(String.format(Locale.ROOT, "d. hub/bare: %.2f against bare in its own process; %.2f against bare in the "
          + "benchmark JVM", ratio, shared.rate <= 0 ? 0 : hubRate / shared.rate));
      targets.add(String.format(Locale.ROOT, "%-20s%.2f (%.0f%%) vs target >= %.0f%%  %s", "hub/bare frames", ratio,
          ratio * 100, FRAME_RATIO_TARGET * 100, ratio >= FRAME_RATIO_TARGET ? "MET" : "MISSED"));
    } catch (BenchmarkFailure e) {
      // what the hub looks like from outside while it does not answer
      String heap = jstatHeap();
      long[] queued = kernelQueues(options.hub.getPort());
      String state = "hub heap now: " + heap + (queued == null ? ""
          : String.format(Locale.ROOT, "; in the kernel: %.1f MiB unread by the hub, %.1f MiB unsent by the agents",
              queued[0] / 1048576.0, queued[1] / 1048576.0));
      say("d. hub blast FAILED: " + e.getMessage() + "; " + state);
      figures.put("hub frames/s", "not measured: " + e.getMessage() + "\n" + state + "\nblasters: "
          + blasters.counters() + (blasters.counters().lastError() == null ? ""
              : "; last error: " + blasters.counters().lastError()));
      notes.add("the hub stopped answering during the frame throughput phase: " + e.getMessage() + "; " + state
          + " (see the hub's GC log)");
      targets.add(String.format(Locale.ROOT, "%-20sno measurement: the hub stopped answering  MISSED",
          "hub/bare frames"));
    } finally {
      try {
        blasters.stop().await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        say("d. stopping the blast agents: " + e);
      }
    }
  }

  /** The hub's blast; the frames per second its gateway received (and checked; heartbeats coalesce per node). */
  private double hubBlast(AgentSimulator blasters) {
    Future<Void> started = blasters.start();
    waitFor(started, 120, "blast agents (hub)", () -> blasters.counters().toString());
    if (!started.succeeded()) {
      throw new BenchmarkFailure("the blast agents were not all welcomed by the hub: "
          + blasters.counters());
    }
    if (options.blastWarmupSeconds > 0) {
      BlastResult warm = await(blasters.blast(Duration.ofSeconds(options.blastWarmupSeconds)), "warm-up blast at the hub",
          options.blastWarmupSeconds + 60L);
      String heapAfterWarmup = jstatHeap();
      double[] settled = drainHub(metrics().framesReceived(), options.heartbeatMs > 0
          ? (options.agents + options.blastAgents) * 1000.0 / options.heartbeatMs : 0);
      say(String.format(Locale.ROOT, "d. hub warm-up: %d frames sent in %d s (not counted); hub heap right after: %s; "
          + "the hub took %.0f s more to apply what it had read", warm.frames(), options.blastWarmupSeconds,
          heapAfterWarmup, settled[1]));
    }
    // heartbeats the idle agents (and the blasters' own timers) add: measured just before, subtracted after
    Metrics idleStart = metrics();
    long idleStarted = System.nanoTime();
    sleep(5_000);
    Metrics idleEnd = metrics();
    double idleRate = (idleEnd.framesReceived() - idleStart.framesReceived()) / ((System.nanoTime() - idleStarted) / 1e9);
    long blasterErrors = blasters.counters().errors();
    Metrics before = metrics();
    CpuWindow cpuBefore = cpuWindow();
    BlastResult hubBlast = await(blasters.blast(Duration.ofSeconds(options.blastSeconds)), "blast at the hub",
        options.blastSeconds + 60L);
    CpuMeter.Usage hubUsage = cpuSince(cpuBefore);
    long[] queued = kernelQueues(options.hub.getPort());
    String heapAtEnd = jstatHeap();
    Metrics after = metrics();
    double seconds = hubBlast.elapsed().toNanos() / 1e9;
    double hubApplied = after.framesReceived() - before.framesReceived() - idleRate * seconds;
    double hubRate = hubApplied / seconds;
    // frames still in flight to the hub when the window closed
    double[] drain = drainHub(after.framesReceived(), idleRate);
    double drained = drain[0];
    double drainSeconds = drain[1];
    long newErrors = blasters.counters().errors() - blasterErrors;
    String blasterLastError = blasters.counters().lastError();
    say(String.format(Locale.ROOT, "d. hub: %.0f frames/s received by the hub's gateway (%.0f in %.1f s, idle %.0f/s "
        + "subtracted); sent %.0f/s (%d frames); %.0f more received after the window (%.0f s to drain); "
        + "blasters' errors %d", hubRate, hubApplied, seconds, idleRate, hubBlast.framesPerSecond(), hubBlast.frames(),
        drained, drainSeconds, newErrors));
    int frameBytes = sampleHeartbeatBytes();
    String kernel = queued == null ? "ss not available"
        : String.format(Locale.ROOT, "in the kernel at the window's end: %.1f MiB unread by the hub + %.1f MiB unsent by "
            + "the agents = ~%.0f frames of ~%d bytes", queued[0] / 1048576.0, queued[1] / 1048576.0,
            (queued[0] + queued[1]) / (double) frameBytes, frameBytes);
    say("d. hub backlog " + kernel + "; hub heap at the window's end: " + heapAtEnd);
    say("d. hub cpu: " + hubUsage.describe());
    figures.put("hub frames/s", String.format(Locale.ROOT, "%.0f received (hub's rainhub_agent_frames_received_total; idle %.0f/s "
        + "subtracted); %.0f sent; %.0f more received after the window (%.0f s to drain); blasters' errors %d%s",
        hubRate, idleRate, hubBlast.framesPerSecond(), drained, drainSeconds, newErrors,
        newErrors > 0 && blasterLastError != null ? " (last: " + blasterLastError + ")" : ""));
    figures.put("hub backlog", kernel + "\nhub heap at the window's end: " + heapAtEnd);
    figures.put("cpu (hub blast)", hubUsage.describe());
    skew("hub blast", hubUsage.otherCores());
    if (newErrors > 0) {
      notes.add("the hub answered " + newErrors + " blast frames with errors (last: " + blasterLastError + ")");
    }
    return hubRate;
  }

  /** A blast at the bare server: frames/s it received and the senders sent, and where the CPU went. */
  record Bare(double rate, double sent, String cpu) {}

  /** BareWebSocketServer as a process of its own, counted through its GET /count. */
  private Bare bareInProcess() {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = work.resolve("bare-server.log");
    Process process;
    try {
      process = new ProcessBuilder(javaBin.toString(), "-Xmx1g", "-cp", selfJar(), BareWebSocketServer.class.getName())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new BenchmarkFailure("could not start the bare server process: " + e);
    }
    agentProcesses.add(process);
    try {
      int port = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (port < 0) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new BenchmarkFailure("the bare server process did not start; its log:\n" + tail(log));
        }
        sleep(100);
        try {
          for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            int at = line.indexOf("listening on 127.0.0.1:");
            if (at >= 0) {
              port = Integer.parseInt(line.substring(at + "listening on 127.0.0.1:".length()).trim());
            }
          }
        } catch (IOException | RuntimeException notYet) {
          // not written yet
        }
      }
      int barePort = port;
      CpuMeter bareCpu = new CpuMeter(process.pid());
      return bareBlast("bare (own process)", barePort,
          () -> {
            HttpResponse<Buffer> count = await(client.get(barePort, "127.0.0.1", "/count").timeout(REQUEST_TIMEOUT_MS)
                .send(), "GET /count of the bare server");
            return Long.parseLong(count.bodyAsString().trim());
          },
          bareCpu, "bare process");
    } finally {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** BareWebSocketServer deployed in this JVM, next to the senders (what the brief first asked for). */
  private Bare bareInThisJvm() {
    LongAdder received = new LongAdder();
    BareWebSocketServer bare = new BareWebSocketServer(0, received);
    String deployment = await(vertx.deployVerticle(bare), "bare WebSocket server", 30);
    try {
      return bareBlast("bare (benchmark JVM)", bare.actualPort(), received::sum, null, null);
    } finally {
      await(vertx.undeploy(deployment), "stopping the bare server", 30);
    }
  }

  private Bare bareBlast(String what, int port, java.util.function.LongSupplier count, CpuMeter serverCpu,
      String serverName) {
    AgentSimulator blasters = new AgentSimulator(vertx, new SimulatorOptions()
        .setHub("ws://127.0.0.1:" + port).setToken("bare").setCount(options.blastAgents)
        .setHeartbeatMs(options.heartbeatMs).setConnectRatePerSecond(options.connectRate).setNamePrefix("bare-"));
    Future<Void> started = blasters.start();
    waitFor(started, 120, "blast agents (" + what + ")", () -> blasters.counters().toString());
    try {
      if (!started.succeeded()) {
        throw new BenchmarkFailure(what + " did not welcome every blast agent: "
            + blasters.counters());
      }
      if (options.blastWarmupSeconds > 0) {
        await(blasters.blast(Duration.ofSeconds(options.blastWarmupSeconds)), "warm-up blast at " + what,
            options.blastWarmupSeconds + 60L);
      }
      // let the warm-up's frames arrive: the count stops moving
      long last = count.getAsLong();
      for (int i = 0; i < 30; i++) {
        sleep(1_000);
        long now = count.getAsLong();
        if (now - last < 100) {
          break;
        }
        last = now;
      }
      CpuWindow cpuBefore = cpuWindow();
      CpuMeter.Snapshot serverBefore = serverCpu == null ? null : serverCpu.snapshot();
      long serverStarted = System.nanoTime();
      long receivedBefore = count.getAsLong();
      BlastResult blast = await(blasters.blast(Duration.ofSeconds(options.blastSeconds)), "blast at " + what,
          options.blastSeconds + 60L);
      double received = count.getAsLong() - receivedBefore;
      CpuMeter.Usage usage = cpuSince(cpuBefore);
      double serverCores = serverCpu == null ? 0
          : serverCpu.since(serverBefore, System.nanoTime() - serverStarted).hubCores();
      double seconds = blast.elapsed().toNanos() / 1e9;
      double rate = received / seconds;
      String cpu = (serverCpu == null ? "" : String.format(Locale.ROOT, "%s %.2f cores (also among 'other processes' "
          + "below); ", serverName, serverCores))
          + usage.describe().replaceAll("\n.*", "");
      say(String.format(Locale.ROOT, "d. %s: %.0f frames/s received (%.0f in %.1f s); sent %.0f/s (%d frames)", what,
          rate, received, seconds, blast.framesPerSecond(), blast.frames()));
      say("d. " + what + " cpu: " + cpu);
      skew(what + " blast", usage.otherCores() - serverCores);
      return new Bare(rate, blast.framesPerSecond(), cpu);
    } finally {
      await(blasters.stop(), "stopping the blast agents of " + what, 60);
    }
  }

  /**
   * Bytes waiting in the kernel's socket buffers on loopback port {@code port}: [unread by the
   * listening side (Recv-Q of its sockets), not yet sent by the connecting side (Send-Q of theirs)];
   * null without {@code ss}.
   */
  private static long[] kernelQueues(int port) {
    String server = run(List.of("ss", "-tnH", "state", "established", "sport", "=", ":" + port), 10);
    String clients = run(List.of("ss", "-tnH", "state", "established", "dport", "=", ":" + port), 10);
    if (server == null || clients == null) {
      return null;
    }
    return new long[] {sumColumn(server, 0), sumColumn(clients, 1)};
  }

  /** Sum of Recv-Q (0) or Send-Q (1) over ss lines without a state column. */
  private static long sumColumn(String ssOutput, int column) {
    long sum = 0;
    for (String line : ssOutput.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 2) {
        try {
          sum += Long.parseLong(fields[column]);
        } catch (NumberFormatException ignored) {
          // a header or something else
        }
      }
    }
    return sum;
  }

  /** The hub's heap in use now, from {@code jstat -gc} (no help from the hub's event loops needed). */
  private String jstatHeap() {
    if (options.hubPid <= 0) {
      return "unknown (no --hub-pid)";
    }
    Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
    String out = run(List.of(Files.isExecutable(jstat) ? jstat.toString() : "jstat", "-gc",
        String.valueOf(options.hubPid)), 20);
    if (out == null) {
      return "unknown (jstat failed)";
    }
    String[] lines = out.trim().split("\n");
    if (lines.length < 2) {
      return "unknown";
    }
    String[] names = lines[0].trim().split("\\s+");
    String[] values = lines[lines.length - 1].trim().split("\\s+");
    double usedKb = 0;
    double capacityKb = 0;
    long fullGcs = -1;
    for (int i = 0; i < Math.min(names.length, values.length); i++) {
      try {
        switch (names[i]) {
          case "S0U", "S1U", "EU", "OU" -> usedKb += Double.parseDouble(values[i]);
          case "S0C", "S1C", "EC", "OC" -> capacityKb += Double.parseDouble(values[i]);
          case "FGC" -> fullGcs = Long.parseLong(values[i]);
          default -> {
            // not needed
          }
        }
      } catch (NumberFormatException ignored) {
        // "-" for an absent value
      }
    }
    return String.format(Locale.ROOT, "%.0f MiB used of %.0f MiB committed, %d full GCs so far (jstat -gc)",
        usedKb / 1024, capacityKb / 1024, fullGcs);
  }

  /** A heartbeat frame like a simulated agent's, as a client WebSocket frame (8 bytes of header and mask). */
  private static int sampleHeartbeatBytes() {
    JsonObject metrics = new JsonObject().put("cpu", 0.05)
        .put("memory", new JsonObject().put("usedMb", 2048).put("totalMb", 8192))
        .put("network", new JsonObject().put("rxMbps", 1.5).put("txMbps", 0.5))
        .put("load", new JsonArray().add(0.1).add(0.1).add(0.1));
    JsonObject body = new JsonObject().put("metrics", metrics).put("instances", new JsonArray());
    return io.rainhub.agent.Frames.frame(io.rainhub.agent.Frames.HEARTBEAT, 123456, body).encode()
        .getBytes(StandardCharsets.UTF_8).length + 8;
  }

  private static String selfJar() {
    try {
      return Path.of(AgentBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits (at most 60 s) until the hub receives frames no faster than {@code idleRate} again.
   *
   * @return frames applied meanwhile beyond the idle rate, and the seconds it took
   */
  private double[] drainHub(double fromCount, double idleRate) {
    long started = System.nanoTime();
    double last = fromCount;
    double drained = 0;
    for (int i = 0; i < 60; i++) {
      sleep(1_000);
      double now = metrics().framesReceived();
      double extra = now - last - idleRate;
      last = now;
      if (extra <= Math.max(50, idleRate * 0.2)) {
        break;
      }
      drained += extra;
    }
    return new double[] {drained, (System.nanoTime() - started) / 1e9};
  }

  // --- e. kill -9 to LOST

  private void kills() throws Exception {
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
    double limit = (options.ttlMs + LOST_SLACK_MS) / 1000.0;
    double max = seconds.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    StringBuilder each = new StringBuilder();
    for (double s : seconds) {
      each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", s));
    }
    figures.put("agent process", launcherText);
    figures.put("kill -9 -> LOST", String.format(Locale.ROOT, "%s s (max %.2f s; TTL %.1f s, heartbeat %.1f s; "
        + "killed as soon as AVAILABLE was seen)", each, max, options.ttlMs / 1000.0, options.heartbeatMs / 1000.0));
    if (!failures.isEmpty()) {
      notes.addAll(failures);
    }
    if (seconds.isEmpty()) {
      targets.add(String.format(Locale.ROOT, "%-20sno measurement vs target <= %.1f s  MISSED", "kill -> LOST", limit));
    } else {
      targets.add(target("kill -> LOST", max, limit, "s", false));
    }
  }

  private double killOnce(int k, List<String> launcher) throws Exception {
    String name = "bench-kill-" + k + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    Path scripts = Files.createDirectories(work.resolve(name + "-scripts"));
    Path state = Files.createDirectories(work.resolve(name + "-state"));
    Path log = work.resolve(name + ".log");
    List<String> command = new ArrayList<>(launcher);
    command.addAll(List.of("--hub", wsHub(), "--token", agentToken, "--kind", "mothership", "--name", name,
        "--capacity", "cpu=4,ramMb=8192,bandwidthMbps=1000", "--scripts", scripts.toString(),
        "--state-dir", state.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).directory(work.toFile());
    builder.environment().keySet().removeIf(key -> key.startsWith("RAINHUB_") || key.startsWith("RAIN_AGENT_"));
    long launched = System.nanoTime();
    Process process = builder.start();
    agentProcesses.add(process);
    try {
      // the agent writes its node id to state.json at its first welcome
      String nodeId = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      long nextListing = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (nodeId == null) {
        if (!process.isAlive()) {
          throw new BenchmarkFailure("the agent process exited (" + process.exitValue()
              + ") before its welcome; its log:\n" + tail(log));
        }
        if (System.nanoTime() > deadline) {
          throw new BenchmarkFailure("no welcome for agent " + name + " within 120 s; its log:\n"
              + tail(log));
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
          (options.ttlMs + LOST_SLACK_MS) / 1000.0));
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
    HttpResponse<Buffer> response = await(client.get("/mothership/all").putHeader("Authorization", authorization)
        .timeout(REQUEST_TIMEOUT_MS).send(), "GET /mothership/all");
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
    HttpResponse<Buffer> response = await(client.get("/mothership/" + nodeId).putHeader("Authorization", authorization)
        .timeout(REQUEST_TIMEOUT_MS).send(), "GET /mothership/" + nodeId);
    if (response.statusCode() != 200) {
      return "HTTP " + response.statusCode();
    }
    return response.bodyAsJsonObject().getString("state");
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  // --- f. summary

  private void summary(Map<String, String> facts) {
    StringBuilder s = new StringBuilder();
    s.append("\n================ Agent benchmark summary ================\n");
    s.append(String.format(Locale.ROOT, "date                %s%n", Instant.now()));
    s.append(String.format(Locale.ROOT, "machine             nproc %s; %s; %s RAM%n", facts.get("cpus"),
        facts.get("cpu model"), facts.get("memory")));
    s.append(String.format(Locale.ROOT, "java                %s%n", facts.get("java")));
    s.append(String.format(Locale.ROOT, "commit              %s%n", commit()));
    s.append(String.format(Locale.ROOT, "load average        %s at start (other work on the machine skews every figure)%n",
        facts.get("load")));
    s.append(String.format(Locale.ROOT, "hub                 %s%s; heartbeat %d ms, TTL %d ms; hub JVM: %s%n", options.hub,
        options.hubPid > 0 ? " (pid " + options.hubPid + ")" : "", options.heartbeatMs, options.ttlMs,
        hubJvmFlags()));
    s.append(String.format(Locale.ROOT, "agents              %d simulated (AgentSimulator in the benchmark JVM, "
        + "heartbeat every %d ms)%n", options.agents, options.heartbeatMs));
    figures.forEach((key, value) -> s.append(String.format(Locale.ROOT, "%-20s%s%n", key,
        value.replaceAll("\n\\s*", "\n" + " ".repeat(20)))));
    if (!notes.isEmpty()) {
      s.append("\n-- problems\n");
      notes.forEach(note -> s.append("  ").append(note.replace("\n", "\n  ")).append('\n'));
    }
    if (!skewed.isEmpty()) {
      s.append("\nWARNING             other processes kept the machine busy (").append(String.join(", ", skewed))
          .append("): those figures are low; run again on a quiet machine\n");
    }
    s.append("\n-- targets\n");
    targets.forEach(line -> s.append(line).append('\n'));
    s.append("=========================================================\n");
    System.out.print(s);
    System.out.flush();
  }

  /** Other processes kept the machine busy during a phase: its figures are low. */
  private void skew(String phase, double otherCores) {
    if (options.hubPid > 0 && otherCores > 0.15) {
      skewed.add(String.format(Locale.ROOT, "%s %.2f cores", phase, otherCores));
    }
  }

  private static String target(String name, double value, double limit, String unit, boolean strictlyBelow) {
    boolean met = strictlyBelow ? value < limit : value <= limit;
    return String.format(Locale.ROOT, "%-20s%.2f %s vs target %s %.1f %s: %.2fx of target  %s", name, value, unit,
        strictlyBelow ? "<" : "<=", limit, unit, limit == 0 ? 0 : value / limit, met ? "MET" : "MISSED");
  }

  private String commit() {
    String head = run(List.of("git", "rev-parse", "--short", "HEAD"), 10);
    if (head == null || head.isBlank()) {
      return "unknown (not a git checkout)";
    }
    String dirty = run(List.of("git", "status", "--porcelain", "--untracked-files=no"), 10);
    return head.trim() + (dirty != null && !dirty.isBlank() ? " + uncommitted changes" : "");
  }

  private String hubJvmFlags() {
    if (options.hubPid <= 0) {
      return "unknown";
    }
    try {
      String cmdline = Files.readString(Path.of("/proc/" + options.hubPid + "/cmdline")).replace('\0', ' ').trim();
      StringBuilder flags = new StringBuilder();
      for (String part : cmdline.split(" ")) {
        if (part.startsWith("-X") || part.startsWith("-XX")) {
          flags.append(flags.length() == 0 ? "" : " ").append(part);
        }
      }
      return flags.length() == 0 ? "JVM defaults" : flags.toString();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  // --- CPU

  record CpuWindow(CpuMeter.Snapshot snapshot, long startedNanos) {}

  private CpuWindow cpuWindow() {
    return new CpuWindow(cpu.snapshot(), System.nanoTime());
  }

  /** CPU since the window opened, over the wall time since then (not the phase's own notion of it). */
  private CpuMeter.Usage cpuSince(CpuWindow window) {
    return cpu.since(window.snapshot, System.nanoTime() - window.startedNanos);
  }

  // --- hub heap and metrics

  record Heap(long usedBytes, long committedBytes, long maxBytes, long rssBytes, String how) {
    String describe() {
      return String.format(Locale.ROOT, "%.1f MiB used (committed %.0f MiB, max %.0f MiB; process RSS %.0f MiB; %s)",
          usedBytes / 1048576.0, committedBytes / 1048576.0, maxBytes / 1048576.0, rssBytes / 1048576.0, how);
    }
  }

  /** The hub's used heap after a full GC (jcmd GC.run when the JDK has jcmd), from /metrics. */
  private Heap heap() {
    String how = "no full GC: jcmd or --hub-pid missing";
    String jcmd = Programs.which("jcmd");
    if (jcmd == null) {
      Path candidate = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      jcmd = Files.isExecutable(candidate) ? candidate.toString() : null;
    }
    if (jcmd != null && options.hubPid > 0) {
      String out = run(List.of(jcmd, String.valueOf(options.hubPid), "GC.run"), 60);
      how = out == null ? "jcmd GC.run failed" : "after jcmd GC.run";
      sleep(500);
    }
    Metrics m = metrics();
    long rss = 0;
    if (options.hubPid > 0) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + options.hubPid + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
          }
        }
      } catch (IOException | RuntimeException ignored) {
        // not Linux
      }
    }
    return new Heap((long) m.sum("jvm_memory_used_bytes", "area", "heap"),
        (long) m.sum("jvm_memory_committed_bytes", "area", "heap"),
        (long) m.sum("jvm_memory_max_bytes", "area", "heap"), rss, how);
  }

  private Metrics metrics() {
    HttpResponse<Buffer> response = await(client.get("/metrics").timeout(REQUEST_TIMEOUT_MS).send(), "GET /metrics");
    if (response.statusCode() != 200) {
      throw new BenchmarkFailure("GET /metrics answered " + response.statusCode());
    }
    return Metrics.parse(response.bodyAsString());
  }

  /** The samples of one Prometheus text scrape. */
  record Metrics(List<Sample> samples) {

    record Sample(String name, Map<String, String> labels, double value) {}

    static final String HEARTBEAT = "rainhub_agent_heartbeat_applied_seconds";

    static Metrics parse(String text) {
      List<Sample> samples = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        try {
          int brace = line.indexOf('{');
          int space = line.indexOf(' ');
          String name;
          Map<String, String> labels = new HashMap<>();
          String rest;
          if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (i < line.length() && line.charAt(i) != '}') {
              int eq = line.indexOf('=', i);
              String key = line.substring(i, eq).trim();
              StringBuilder value = new StringBuilder();
              int j = eq + 2; // past ="
              while (line.charAt(j) != '"') {
                char c = line.charAt(j);
                if (c == '\\') {
                  j++;
                  c = line.charAt(j) == 'n' ? '\n' : line.charAt(j);
                }
                value.append(c);
                j++;
              }
              labels.put(key, value.toString());
              i = j + 1;
              if (i < line.length() && line.charAt(i) == ',') {
                i++;
              }
            }
            rest = line.substring(i + 1).trim();
          } else {
            name = line.substring(0, space);
            rest = line.substring(space + 1).trim();
          }
          String number = rest.split("\\s+")[0];
          double value = switch (number) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(number);
          };
          samples.add(new Sample(name, labels, value));
        } catch (RuntimeException malformed) {
          // a line this parser does not understand: not one the benchmark reads
        }
      }
      return new Metrics(samples);
    }

    double sum(String name, String label, String value) {
      return samples.stream().filter(s -> s.name.equals(name) && value.equals(s.labels.get(label)))
          .mapToDouble(Sample::value).sum();
    }

    double first(String name, String label, String value) {
      return samples.stream().filter(s -> s.name.equals(name) && (label == null || value.equals(s.labels.get(label))))
          .mapToDouble(Sample::value).findFirst().orElse(0);
    }

    double heartbeatCount() {
      return first(HEARTBEAT + "_count", null, null);
    }

    /** Every frame the hub's gateway took from agents' sockets. */
    double framesReceived() {
      return first("rainhub_agent_frames_received_total", null, null);
    }

    double heartbeatSum() {
      return first(HEARTBEAT + "_sum", null, null);
    }

    double heartbeatQuantileMs(String quantile) {
      return first(HEARTBEAT, "quantile", quantile) * 1000;
    }

    double heartbeatMaxMs() {
      return first(HEARTBEAT + "_max", null, null) * 1000;
    }
  }

  // --- helpers

  /** Waits for {@code future}, printing progress every 5 s; returns at completion or after {@code timeoutS}. */
  private static void waitFor(Future<?> future, long timeoutS, String what, java.util.function.Supplier<String> progress) {
    long started = System.nanoTime();
    long deadline = started + TimeUnit.SECONDS.toNanos(timeoutS);
    long nextReport = started + TimeUnit.SECONDS.toNanos(5);
    while (!future.isComplete() && System.nanoTime() < deadline) {
      sleep(100);
      if (System.nanoTime() >= nextReport && !future.isComplete()) {
        say(String.format(Locale.ROOT, "   %s: %.0f s: %s", what, (System.nanoTime() - started) / 1e9, progress.get()));
        nextReport += TimeUnit.SECONDS.toNanos(5);
      }
    }
  }

  private static <T> T await(Future<T> future, String what) {
    return await(future, what, REQUEST_TIMEOUT_MS / 1000 + 5);
  }

  private static <T> T await(Future<T> future, String what, long timeoutS) {
    try {
      return future.await(timeoutS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new BenchmarkFailure(what + " got no answer within " + timeoutS + " s");
    } catch (BenchmarkFailure e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BenchmarkFailure(what + " failed: " + e);
    }
  }

  /** Output of a short command, null when it fails or takes longer than {@code timeoutS}. */
  private static String run(List<String> command, long timeoutS) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      StringBuilder out = new StringBuilder();
      Thread reader = new Thread(() -> {
        try {
          out.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException ignored) {
          // gone
        }
      }, "command-output");
      reader.start();
      if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      reader.join(5_000);
      return process.exitValue() == 0 ? out.toString() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkFailure("interrupted");
    }
  }

  private static void say(String line) {
    System.out.println("[bench] " + line);
    System.out.flush();
  }

  private void stopFleet() {
    if (fleet != null) {
      AgentSimulator stopping = fleet;
      fleet = null;
      try {
        stopping.stop().await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        say("stopping the simulated agents: " + e);
      }
    }
  }

  void cleanUp() {
    for (Process process : agentProcesses) {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
    stopFleet();
    if (work != null) {
      try (var paths = Files.walk(work)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp dir left behind is harmless
      }
    }
  }

  /** Command-line options. */
  static final class Options {
    static final String USAGE = """
        usage: java -cp rainhub-benchmarks.jar io.rainhub.bench.AgentBenchmark --hub http://127.0.0.1:PORT
                 --password ADMINPW [--hub-pid PID] [--agents 10000] [--heartbeat-ms 5000] [--ttl-ms 15000]
                 [--connect-rate 200] [--steady-seconds 120] [--commands 2000] [--command-warmup 200]
                 [--in-flight 16] [--blast-seconds 10] [--blast-agents 200] [--blast-warmup-seconds 5]
                 [--kills 3] [--agent-jar PATH]
          --connect-rate            agents that start connecting per second (200: at 1000/s a 10,000-agent
                                    start overruns the hub on 2 cores and turns into a reconnect storm; see
                                    BENCHMARKS.md)
          --blast-seconds 0         skips the frame throughput phase; --kills 0 the kill -9 phase
          --heartbeat-ms, --ttl-ms  the hub's --heartbeat-interval-ms and --agent-ttl-ms (the simulated
                                    agents heartbeat at --heartbeat-ms; kill -> LOST is held to TTL + 0.5 s)
          --steady-seconds          long enough for the hub's 2-minute percentile window to hold only
                                    steady-state heartbeats (120 s)
          --agent-jar               rain-agent.jar, run and killed in the kill -9 phase
          --hub-pid                 the hub's process id: CPU from /proc, full GC with jcmd""";

    URI hub;
    String password = System.getenv("RAINHUB_ADMIN_PASSWORD");
    long hubPid = -1;
    int agents = 10_000;
    long heartbeatMs = 5_000;
    long ttlMs = 15_000;
    double connectRate = 200;
    int steadySeconds = 120;
    int commands = 2_000;
    int commandWarmup = 200;
    int inFlight = 16;
    int blastSeconds = 10;
    int blastAgents = 200;
    int blastWarmupSeconds = 5;
    int kills = 3;
    Path agentJar;

    static Options parse(String[] args) {
      Options o = new Options();
      Map<String, String> given = BenchArguments.read(args, USAGE);
      for (Map.Entry<String, String> e : given.entrySet()) {
        String k = e.getKey();
        String v = e.getValue();
        switch (k) {
          case "--hub" -> o.hub = URI.create(v);
          case "--password" -> o.password = v;
          case "--hub-pid" -> o.hubPid = BenchArguments.number(k, v, 1);
          case "--agents" -> o.agents = BenchArguments.integer(k, v, 1);
          case "--heartbeat-ms" -> o.heartbeatMs = BenchArguments.number(k, v, 1);
          case "--ttl-ms" -> o.ttlMs = BenchArguments.number(k, v, 1);
          case "--connect-rate" -> o.connectRate = BenchArguments.number(k, v, 1);
          case "--steady-seconds" -> o.steadySeconds = BenchArguments.integer(k, v, 1);
          case "--commands" -> o.commands = BenchArguments.integer(k, v, 1);
          case "--command-warmup" -> o.commandWarmup = BenchArguments.integer(k, v, 0);
          case "--in-flight" -> o.inFlight = BenchArguments.integer(k, v, 1);
          case "--blast-seconds" -> o.blastSeconds = BenchArguments.integer(k, v, 0);
          case "--blast-agents" -> o.blastAgents = BenchArguments.integer(k, v, 1);
          case "--blast-warmup-seconds" -> o.blastWarmupSeconds = BenchArguments.integer(k, v, 0);
          case "--kills" -> o.kills = BenchArguments.integer(k, v, 0);
          case "--agent-jar" -> o.agentJar = v.isEmpty() ? null : Path.of(v).toAbsolutePath();
          default -> throw new IllegalArgumentException("unknown option " + k);
        }
      }
      if (o.hub == null || o.hub.getHost() == null || o.hub.getPort() <= 0 || !"http".equals(o.hub.getScheme())) {
        throw new IllegalArgumentException("--hub http://HOST:PORT is required");
      }
      if (o.password == null || o.password.isEmpty()) {
        throw new IllegalArgumentException("--password (the admin password) is required");
      }
      return o;
    }

  }
}
