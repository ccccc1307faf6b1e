package io.rainhub.bench;

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
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark of the hub's RAIN cloud API; see {@code bin/bench-cloud-api} and BENCHMARKS.md.
 *
 * <ol>
 *   <li>logs in as admin, registers motherships and rain servers, deploys components;</li>
 *   <li>placement rate: instantiates components with a fixed number of requests in flight and
 *       prints placements/s and latency percentiles (after an uncounted warm-up);</li>
 *   <li>read throughput: runs {@code wrk} against {@code GET /webcomponent/{instanceId}} on the
 *       hub, then against {@link BareJsonServer} (same paths, same wrk settings), and prints both
 *       and their ratio;</li>
 *   <li>prints a summary with the machine, the figures and the targets.</li>
 * </ol>
 *
 * <p>Traffic goes only to the hub URL given (loopback expected) and to the bare server on
 * 127.0.0.1. Every wait is bounded.
 */
public final class CloudApiBenchmark {

  static final double PLACEMENT_TARGET = 2000;
  static final double READ_RATIO_TARGET = 0.5;
  private static final long REQUEST_TIMEOUT_MS = 30_000;
  private static final long PHASE_TIMEOUT_S = 900;
  private static final int READ_IDS = 100;

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("CloudApiBenchmark: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    String wrk = which("wrk");
    if (wrk == null) {
      System.err.println("wrk not found: apt-get install wrk");
      System.exit(1);
      return;
    }
    Vertx vertx = Vertx.vertx();
    int status;
    try {
      new CloudApiBenchmark(vertx, options, wrk).run();
      status = 0;
    } catch (BenchmarkFailure e) {
      System.err.println("CloudApiBenchmark: FAILED: " + e.getMessage());
      status = 1;
    } catch (Exception e) {
      System.err.println("CloudApiBenchmark: FAILED: " + e);
      e.printStackTrace();
      status = 1;
    } finally {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
    System.exit(status);
  }

  private final Vertx vertx;
  private final Options options;
  private final String wrk;
  private final WebClient client;
  private final CpuMeter cpu;
  private String authorization;

  CloudApiBenchmark(Vertx vertx, Options options, String wrk) {
    this.vertx = vertx;
    this.options = options;
    this.wrk = wrk;
    int pool = Math.max(options.concurrency, 32);
    this.client = WebClient.create(vertx,
        new WebClientOptions()
            .setDefaultHost(options.hub.getHost())
            .setDefaultPort(options.hub.getPort())
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setUserAgent("rainhub-benchmarks"),
        new PoolOptions().setHttp1MaxSize(pool).setMaxWaitQueueSize(-1));
    this.cpu = new CpuMeter(options.hubPid);
  }

  void run() throws Exception {
    Map<String, String> facts = Machine.facts();
    say("machine: " + facts.get("cpus") + " cpus, " + facts.get("cpu model") + "; " + facts.get("java"));
    say("hub: " + options.hub + (options.hubPid > 0 ? " (pid " + options.hubPid + ")" : ""));

    // a. log in
    login();

    // b. register motherships and rain servers, deploy components
    long setupStart = System.nanoTime();
    Run registered = register();
    Run deployed = deploy();
    double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
    say(String.format(Locale.ROOT, "setup: %d motherships + %d rain servers (%s), %d components (%s) in %.1f s",
        options.motherships, options.servers, registered.statusLine(), options.components,
        deployed.statusLine(), setupSeconds));
    if (registered.ok() < options.motherships + options.servers) {
      throw new BenchmarkFailure("registration failed: " + registered.statusLine() + registered.samplesText());
    }
    if (deployed.ok() < options.components) {
      throw new BenchmarkFailure("deploy failed: " + deployed.statusLine() + deployed.samplesText());
    }

    // c. placement rate
    Queue<String> warmIds = new ConcurrentLinkedQueue<>();
    Run warm = instantiate(options.warmup, warmIds, Math.max(1, options.warmup / READ_IDS));
    say(String.format(Locale.ROOT, "placement warm-up: %d instantiations, %s, %.0f/s (not counted)",
        options.warmup, warm.statusLine(), warm.rate()));
    Queue<String> ids = new ConcurrentLinkedQueue<>();
    CpuMeter.Snapshot before = cpu.snapshot();
    Run placed = instantiate(options.instantiations, ids, Math.max(1, options.instantiations / READ_IDS));
    CpuMeter.Usage placementCpu = cpu.since(before, placed.wallNanos);
    say(String.format(Locale.ROOT, "placement: %d instantiations, %s, %.0f placements/s", options.instantiations,
        placed.statusLine(), placed.rate()));

    // d. read throughput
    List<String> readIds = new ArrayList<>(ids);
    for (String id : warmIds) {
      if (readIds.size() >= READ_IDS) {
        break;
      }
      readIds.add(id);
    }
    if (readIds.size() > READ_IDS) {
      readIds = readIds.subList(0, READ_IDS);
    }
    if (readIds.isEmpty()) {
      throw new BenchmarkFailure("no instance was created, so there is nothing to read");
    }
    Path work = Files.createTempDirectory("rainhub-bench-");
    Read read;
    try {
      read = read(readIds, work);
    } finally {
      deleteTree(work);
    }

    // e. summary
    summary(facts, setupSeconds, warm, placed, placementCpu, readIds.size(), read);
  }

  // --- a. login

  private void login() {
    HttpResponse<Buffer> response = await(client.post("/auth/login")
        .timeout(REQUEST_TIMEOUT_MS)
        .sendJsonObject(new JsonObject().put("username", "admin").put("password", options.password)), "login");
    if (response.statusCode() != 200) {
      throw new BenchmarkFailure("login as admin answered " + response.statusCode() + ": " + response.bodyAsString());
    }
    String token = response.bodyAsJsonObject().getString("token");
    if (token == null) {
      throw new BenchmarkFailure("login answered no token: " + response.bodyAsString());
    }
    authorization = "Bearer " + token;
  }

  // --- b. setup

  private Run register() {
    JsonObject capacity = new JsonObject().put("cpu", 64).put("ramMb", 262144).put("bandwidthMbps", 10000);
    int total = options.motherships + options.servers;
    return drive("registration", total, 32, i -> {
      if (i < options.motherships) {
        return client.post("/mothership/").putHeader("Authorization", authorization).timeout(REQUEST_TIMEOUT_MS)
            .sendJsonObject(new JsonObject().put("name", "bench-ms-" + i)
                .put("address", "127.0.0.1:" + (20000 + i)).put("capacity", capacity));
      }
      int s = i - options.motherships;
      return client.post("/rainservers/").putHeader("Authorization", authorization).timeout(REQUEST_TIMEOUT_MS)
          .sendJsonObject(new JsonObject().put("name", "bench-rs-" + s).put("address", "127.0.0.1:" + (40000 + s))
              .put("urls", new JsonArray().add("/c" + (s % options.components) + "/*")));
    }, 201, null);
  }

  private Run deploy() {
    return drive("deploy", options.components, 8, k -> client.post("/webcomponent/")
        .putHeader("Authorization", authorization).timeout(REQUEST_TIMEOUT_MS)
        .sendJsonObject(new JsonObject().put("id", "c" + k).put("version", "1.0")
            .put("urls", new JsonArray().add("/c" + k + "/*"))
            .put("resources", new JsonObject().put("cpu", 0.05).put("ramMb", 32).put("bandwidthMbps", 1))),
        201, null);
  }

  // --- c. placement

  private Run instantiate(int count, Queue<String> ids, int every) {
    return drive("placement", count, options.concurrency, i -> client
        .post("/webcomponent/c" + (i % options.components) + "/1.0")
        .putHeader("Authorization", authorization).timeout(REQUEST_TIMEOUT_MS).send(),
        201, (i, response) -> {
          if (i % every == 0) {
            String id = response.bodyAsJsonObject().getString("instanceId");
            if (id != null) {
              ids.add(id);
            }
          }
        });
  }

  interface OnSuccess {
    void accept(int index, HttpResponse<Buffer> response);
  }

  /**
   * Sends {@code total} requests, {@code concurrency} at a time (each finished request starts the
   * next), and collects statuses, latencies and a few samples of what went wrong.
   */
  private Run drive(String what, int total, int concurrency, IntFunction<Future<HttpResponse<Buffer>>> send,
      int expected, OnSuccess onSuccess) {
    Run run = new Run(total, expected);
    if (total == 0) {
      return run;
    }
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
          HttpResponse<Buffer> response = ar.result();
          run.status(response);
          if (response.statusCode() == expected && onSuccess != null) {
            try {
              onSuccess.accept(i, response);
            } catch (RuntimeException e) {
              run.error("reading the answer: " + e);
            }
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
    for (int w = 0; w < Math.min(concurrency, total); w++) {
      vertx.runOnContext(v -> fire[0].run());
    }
    try {
      done.future().await(PHASE_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new BenchmarkFailure(what + " did not finish within " + PHASE_TIMEOUT_S + " s (" + finished.get()
          + " of " + total + " answered)");
    }
    return run;
  }

  // --- d. read throughput

  record WrkResult(double requestsPerSecond, long non2xx, String socketErrors, String p50, String p99,
      String max, String raw, double cpuSeconds) {}

  record Read(String wrkCommand, int hubBodyBytes, int bareBodyBytes, WrkResult hub, WrkResult bare,
      CpuMeter.Usage hubCpu, CpuMeter.Usage bareCpu, int barePort) {
    double ratio() {
      return bare.requestsPerSecond == 0 ? 0 : hub.requestsPerSecond / bare.requestsPerSecond;
    }
  }

  private Read read(List<String> ids, Path work) throws Exception {
    // the hub answers one of the ids (also gives the real document size to compare with)
    HttpResponse<Buffer> probe = await(client.get("/webcomponent/" + ids.get(0))
        .putHeader("Authorization", authorization).timeout(REQUEST_TIMEOUT_MS).send(), "GET instance");
    if (probe.statusCode() != 200) {
      throw new BenchmarkFailure("GET /webcomponent/" + ids.get(0) + " answered " + probe.statusCode() + ": "
          + probe.bodyAsString());
    }
    int barePort = BareJsonServer.deploy(vertx, options.barePort, options.httpInstances)
        .await(30, TimeUnit.SECONDS);
    WebClient bareClient = WebClient.create(vertx);
    HttpResponse<Buffer> bareProbe = await(bareClient.get(barePort, "127.0.0.1", "/webcomponent/" + ids.get(0))
        .timeout(REQUEST_TIMEOUT_MS).send(), "GET bare");
    bareClient.close();
    if (bareProbe.statusCode() != 200) {
      throw new BenchmarkFailure("bare server answered " + bareProbe.statusCode());
    }
    say("read: hub document " + probe.body().length() + " bytes, bare document " + bareProbe.body().length()
        + " bytes; bare server on 127.0.0.1:" + barePort);

    Path script = work.resolve("rotate-ids.lua");
    Files.writeString(script, luaScript(ids), StandardCharsets.UTF_8);
    String hubUrl = "http://" + options.hub.getHost() + ":" + options.hub.getPort();
    String bareUrl = "http://127.0.0.1:" + barePort;

    // short uncounted warm-ups so neither side is measured cold
    wrk(hubUrl, script, options.wrkWarmup);
    CpuMeter.Snapshot before = cpu.snapshot();
    long started = System.nanoTime();
    WrkResult hub = wrk(hubUrl, script, options.duration);
    long wall = System.nanoTime() - started;
    CpuMeter.Usage hubCpu = cpu.since(before, wall).withWrk(hub.cpuSeconds / (wall / 1e9));
    say(String.format(Locale.ROOT, "read hub: %.0f requests/s", hub.requestsPerSecond));

    wrk(bareUrl, script, options.wrkWarmup);
    before = cpu.snapshot();
    started = System.nanoTime();
    WrkResult bare = wrk(bareUrl, script, options.duration);
    wall = System.nanoTime() - started;
    CpuMeter.Usage bareCpu = cpu.since(before, wall).withWrk(bare.cpuSeconds / (wall / 1e9));
    say(String.format(Locale.ROOT, "read bare: %.0f requests/s", bare.requestsPerSecond));
    String command = String.format(Locale.ROOT, "wrk -t%d -c%d -d%ds --timeout 5s --latency -s rotate-ids.lua URL",
        options.wrkThreads, options.wrkConnections, options.duration);
    return new Read(command, probe.body().length(), bareProbe.body().length(), hub, bare, hubCpu, bareCpu, barePort);
  }

  private String luaScript(List<String> ids) {
    StringBuilder lua = new StringBuilder("-- written by CloudApiBenchmark: rotates GET /webcomponent/{id} over ")
        .append(ids.size()).append(" instance ids\nlocal ids = {\n");
    for (String id : ids) {
      lua.append("  \"").append(id.replace("\\", "").replace("\"", "")).append("\",\n");
    }
    lua.append("}\n")
        .append("local n = #ids\n")
        .append("local i = 0\n")
        .append("wrk.headers[\"Authorization\"] = \"").append(authorization).append("\"\n")
        .append("request = function()\n")
        .append("  i = i + 1\n")
        .append("  if i > n then i = 1 end\n")
        .append("  return wrk.format(\"GET\", \"/webcomponent/\" .. ids[i])\n")
        .append("end\n");
    return lua.toString();
  }

  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors:\\s*(.+)");
  private static final Pattern LATENCY = Pattern.compile("^\\s+Latency\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)", Pattern.MULTILINE);
  private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)%\\s+(\\S+)", Pattern.MULTILINE);

  private static final Pattern TIMES = Pattern.compile("^(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s$", Pattern.MULTILINE);

  /** The children's user + system seconds from the last line `times` printed; 0 when missing. */
  private static double childCpuSeconds(String output) {
    Matcher m = TIMES.matcher(output);
    double seconds = 0;
    while (m.find()) {
      seconds = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
          + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
    }
    return seconds;
  }

  private WrkResult wrk(String url, Path script, int seconds) throws IOException, InterruptedException {
    // bash's `times` gives wrk's CPU time exactly (user and system, from wait4)
    List<String> command = List.of("bash", "-c", "\"$@\"; rc=$?; times; exit $rc", "bash",
        wrk, "-t" + options.wrkThreads, "-c" + options.wrkConnections,
        "-d" + seconds + "s", "--timeout", "5s", "--latency", "-s", script.toString(), url + "/");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try {
        out.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // the process went away
      }
    }, "wrk-output");
    reader.start();
    if (!process.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new BenchmarkFailure("wrk did not finish within " + (seconds + 30) + " s");
    }
    reader.join(10_000);
    String raw = out.toString();
    Matcher rps = RPS.matcher(raw);
    if (process.exitValue() != 0 || !rps.find()) {
      throw new BenchmarkFailure("wrk failed (exit " + process.exitValue() + "): " + raw);
    }
    Matcher non2xx = NON_2XX.matcher(raw);
    Matcher socket = SOCKET_ERRORS.matcher(raw);
    Matcher latency = LATENCY.matcher(raw);
    String max = latency.find() ? latency.group(3) : "?";
    String p50 = "?";
    String p99 = "?";
    Matcher pct = PERCENTILE.matcher(raw);
    while (pct.find()) {
      if (pct.group(1).equals("50")) {
        p50 = pct.group(2);
      } else {
        p99 = pct.group(2);
      }
    }
    return new WrkResult(Double.parseDouble(rps.group(1)), non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
        socket.find() ? socket.group(1).trim() : "none", p50, p99, max, raw, childCpuSeconds(raw));
  }

  // --- e. summary

  private void summary(Map<String, String> facts, double setupSeconds, Run warm, Run placed,
      CpuMeter.Usage placementCpu, int readIdCount, Read read) {
    double rate = placed.rate();
    double ratio = read.ratio();
    StringBuilder s = new StringBuilder();
    s.append("\n================ Cloud API benchmark summary ================\n");
    s.append(String.format(Locale.ROOT, "date            %s%n", Instant.now()));
    s.append(String.format(Locale.ROOT, "machine         nproc %s; %s; %s RAM%n", facts.get("cpus"),
        facts.get("cpu model"), facts.get("memory")));
    s.append(String.format(Locale.ROOT, "java            %s%n", facts.get("java")));
    s.append(String.format(Locale.ROOT, "load average    %s at start (other work on the machine skews every figure)%n",
        facts.get("load")));
    s.append(String.format(Locale.ROOT, "hub             %s%s, %d HTTP instance(s)%n", options.hub,
        options.hubPid > 0 ? " (pid " + options.hubPid + ")" : "", options.httpInstances));
    s.append(String.format(Locale.ROOT, "setup           %d motherships, %d rain servers, %d components in %.1f s%n",
        options.motherships, options.servers, options.components, setupSeconds));
    s.append("\n-- placement: POST /webcomponent/c<k>/1.0\n");
    s.append(String.format(Locale.ROOT, "warm-up         %d requests, %s (not counted)%n", warm.total, warm.statusLine()));
    s.append(String.format(Locale.ROOT, "requests        %d, %d in flight%n", placed.total, options.concurrency));
    s.append(String.format(Locale.ROOT, "answers         %s%n", placed.statusLine()));
    s.append(String.format(Locale.ROOT, "wall time       %.2f s%n", placed.wallNanos / 1e9));
    s.append(String.format(Locale.ROOT, "placements/s    %.0f   (201s per second of wall time)%n", rate));
    s.append(String.format(Locale.ROOT, "latency ms      p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
        placed.percentileMs(50), placed.percentileMs(90), placed.percentileMs(99), placed.percentileMs(99.9),
        placed.percentileMs(100)));
    s.append(String.format(Locale.ROOT, "outliers        %d over 100 ms, %d over 1 s%n", placed.over(100), placed.over(1000)));
    if (placementCpu != null) {
      s.append("cpu             ").append(placementCpu.describe()).append('\n');
    }
    String samples = placed.samplesText();
    if (!samples.isEmpty()) {
      s.append("problems       ").append(samples.replace("\n", "\n                ")).append('\n');
    }
    s.append("\n-- read: GET /webcomponent/{instanceId}, ").append(readIdCount).append(" ids rotated\n");
    s.append(String.format(Locale.ROOT, "wrk             %s (%d s uncounted warm-up each)%n", read.wrkCommand,
        options.wrkWarmup));
    s.append(String.format(Locale.ROOT, "body bytes      hub %d, bare %d%n", read.hubBodyBytes, read.bareBodyBytes));
    s.append(String.format(Locale.ROOT, "hub             %.0f requests/s  latency p50 %s p99 %s max %s  non-2xx %d  socket errors %s%n",
        read.hub.requestsPerSecond, read.hub.p50, read.hub.p99, read.hub.max, read.hub.non2xx, read.hub.socketErrors));
    s.append(String.format(Locale.ROOT, "bare            %.0f requests/s  latency p50 %s p99 %s max %s  non-2xx %d  socket errors %s%n",
        read.bare.requestsPerSecond, read.bare.p50, read.bare.p99, read.bare.max, read.bare.non2xx,
        read.bare.socketErrors));
    if (options.hubPid > 0) {
      s.append("cpu (hub run)   ").append(read.hubCpu.describe()).append('\n');
      s.append("cpu (bare run)  ").append(read.bareCpu.describe()).append('\n');
      s.append(String.format(Locale.ROOT, "cpu per GET     hub %.1f us, bare %.1f us (server process CPU / requests)%n",
          read.hubCpu.hubCores() * 1e6 / Math.max(1, read.hub.requestsPerSecond),
          read.bareCpu.benchCores() * 1e6 / Math.max(1, read.bare.requestsPerSecond)));
    }
    List<String> skewed = new ArrayList<>();
    if (options.hubPid > 0) {
      if (placementCpu.otherCores() > 0.15) {
        skewed.add(String.format(Locale.ROOT, "placement %.2f cores", placementCpu.otherCores()));
      }
      if (read.hubCpu.otherCores() > 0.15) {
        skewed.add(String.format(Locale.ROOT, "hub reads %.2f cores", read.hubCpu.otherCores()));
      }
      if (read.bareCpu.otherCores() > 0.15) {
        skewed.add(String.format(Locale.ROOT, "bare reads %.2f cores", read.bareCpu.otherCores()));
      }
    }
    if (!skewed.isEmpty()) {
      s.append("\nWARNING         other processes kept the machine busy (").append(String.join(", ", skewed))
          .append("): those figures are low; run again on a quiet machine\n");
    }
    s.append("\n-- targets\n");
    s.append(String.format(Locale.ROOT, "placements/s    %.0f vs target >= %.0f: %.2fx of target  %s%n", rate,
        PLACEMENT_TARGET, rate / PLACEMENT_TARGET, rate >= PLACEMENT_TARGET ? "MET" : "MISSED"));
    s.append(String.format(Locale.ROOT, "hub/bare reads  %.2f (%.0f%%) vs target >= %.0f%%  %s%n", ratio, ratio * 100,
        READ_RATIO_TARGET * 100, ratio >= READ_RATIO_TARGET ? "MET" : "MISSED"));
    s.append("=============================================================\n");
    System.out.print(s);
    System.out.println("\n-- raw wrk output, hub\n" + TIMES.matcher(read.hub.raw).replaceAll("").stripTrailing());
    System.out.println("\n-- raw wrk output, bare\n" + TIMES.matcher(read.bare.raw).replaceAll("").stripTrailing());
    System.out.flush();
  }

  // --- helpers

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.await(REQUEST_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new BenchmarkFailure(what + " got no answer within " + (REQUEST_TIMEOUT_MS / 1000) + " s");
    } catch (RuntimeException e) {
      throw new BenchmarkFailure(what + " failed: " + e);
    }
  }

  private static void say(String line) {
    System.out.println("[bench] " + line);
    System.out.flush();
  }

  static String which(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      File candidate = new File(dir, program);
      if (candidate.isFile() && candidate.canExecute()) {
        return candidate.getAbsolutePath();
      }
    }
    return null;
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }

  static final class BenchmarkFailure extends RuntimeException {
    BenchmarkFailure(String message) {
      super(message);
    }
  }

  /** What one batch of requests gave. */
  static final class Run {
    final int total;
    final int expected;
    final long[] latencies;
    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    final AtomicInteger errors = new AtomicInteger();
    final Map<String, String> samples = new ConcurrentHashMap<>();
    volatile long wallNanos;
    private long[] sorted;

    Run(int total, int expected) {
      this.total = total;
      this.expected = expected;
      this.latencies = new long[total];
    }

    void status(HttpResponse<Buffer> response) {
      int code = response.statusCode();
      statuses.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
      if (code != expected && samples.size() < 5) {
        String body = response.bodyAsString();
        samples.putIfAbsent("HTTP " + code, body == null ? "" : body.length() > 300 ? body.substring(0, 300) : body);
      }
    }

    void error(String message) {
      errors.incrementAndGet();
      if (samples.size() < 5) {
        samples.putIfAbsent("error " + message.split(":")[0], message);
      }
    }

    int ok() {
      AtomicInteger count = statuses.get(expected);
      return count == null ? 0 : count.get();
    }

    double rate() {
      return wallNanos == 0 ? 0 : ok() / (wallNanos / 1e9);
    }

    String statusLine() {
      Map<Integer, Integer> byCode = new TreeMap<>();
      statuses.forEach((code, count) -> byCode.put(code, count.get()));
      StringBuilder line = new StringBuilder();
      line.append(expected).append(": ").append(ok());
      int other = total - ok() - errors.get();
      line.append(", other statuses: ").append(other);
      byCode.forEach((code, count) -> {
        if (code != expected) {
          line.append(" [").append(code).append(" x").append(count).append(']');
        }
      });
      line.append(", transport errors: ").append(errors.get());
      return line.toString();
    }

    String samplesText() {
      StringBuilder text = new StringBuilder();
      samples.forEach((key, value) -> text.append("\n  ").append(key).append(": ").append(value));
      return text.toString();
    }

    double percentileMs(double p) {
      if (sorted == null) {
        sorted = latencies.clone();
        Arrays.sort(sorted);
      }
      if (sorted.length == 0) {
        return 0;
      }
      int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    long over(long millis) {
      return Arrays.stream(latencies).filter(l -> l > millis * 1_000_000L).count();
    }
  }

  /** Command-line options. */
  static final class Options {
    static final String USAGE = """
        usage: CloudApiBenchmark --hub http://127.0.0.1:PORT --password ADMINPW
                 [--motherships 1000] [--servers 200] [--instantiations 20000] [--concurrency 64]
                 [--duration 15] [--bare-port 0] [--components 50] [--warmup 1000]
                 [--wrk-threads 2] [--wrk-connections 64] [--wrk-warmup 5] [--http-instances 1]
                 [--hub-pid PID]
          --http-instances  event-loop instances of the bare server (give the hub's --http-instances)
          --hub-pid         the hub's process id: adds its CPU use per phase to the summary""";

    URI hub;
    String password = System.getenv("RAINHUB_ADMIN_PASSWORD");
    int motherships = 1000;
    int servers = 200;
    int instantiations = 20000;
    int concurrency = 64;
    int duration = 15;
    int barePort = 0;
    int components = 50;
    int warmup = 1000;
    int wrkThreads = 2;
    int wrkConnections = 64;
    int wrkWarmup = 5;
    int httpInstances = 1;
    long hubPid = -1;

    static Options parse(String[] args) {
      Options o = new Options();
      Map<String, String> given = BenchArguments.read(args, USAGE);
      for (Map.Entry<String, String> e : given.entrySet()) {
        String v = e.getValue();
        switch (e.getKey()) {
          case "--hub" -> o.hub = URI.create(v);
          case "--password" -> o.password = v;
          case "--motherships" -> o.motherships = BenchArguments.integer(e.getKey(), v, 1);
          case "--servers" -> o.servers = BenchArguments.integer(e.getKey(), v, 0);
          case "--instantiations" -> o.instantiations = BenchArguments.integer(e.getKey(), v, 1);
          case "--concurrency" -> o.concurrency = BenchArguments.integer(e.getKey(), v, 1);
          case "--duration" -> o.duration = BenchArguments.integer(e.getKey(), v, 1);
          case "--bare-port" -> o.barePort = BenchArguments.integer(e.getKey(), v, 0);
          case "--components" -> o.components = BenchArguments.integer(e.getKey(), v, 1);
          case "--warmup" -> o.warmup = BenchArguments.integer(e.getKey(), v, 0);
          case "--wrk-threads" -> o.wrkThreads = BenchArguments.integer(e.getKey(), v, 1);
          case "--wrk-connections" -> o.wrkConnections = BenchArguments.integer(e.getKey(), v, 1);
          case "--wrk-warmup" -> o.wrkWarmup = BenchArguments.integer(e.getKey(), v, 1);
          case "--http-instances" -> o.httpInstances = BenchArguments.integer(e.getKey(), v, 1);
          case "--hub-pid" -> o.hubPid = BenchArguments.number(e.getKey(), v, 1);
          default -> throw new IllegalArgumentException("unknown option " + e.getKey());
        }
      }
      if (o.hub == null || o.hub.getHost() == null || o.hub.getPort() <= 0) {
        throw new IllegalArgumentException("--hub http://HOST:PORT is required");
      }
      if (!"http".equals(o.hub.getScheme())) {
        throw new IllegalArgumentException("--hub must be an http:// URL");
      }
      if (o.password == null || o.password.isEmpty()) {
        throw new IllegalArgumentException("--password (the admin password) is required");
      }
      if (o.wrkConnections < o.wrkThreads) {
        throw new IllegalArgumentException("--wrk-connections must be at least --wrk-threads");
      }
      return o;
    }

  }

  /** Facts about the machine for the summary. */
  static final class Machine {
    static Map<String, String> facts() {
      Map<String, String> facts = new HashMap<>();
      facts.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
      facts.put("cpu model", procLine("/proc/cpuinfo", "model name").orElse("unknown cpu"));
      facts.put("memory", procLine("/proc/meminfo", "MemTotal")
          .map(kb -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kb.replaceAll("\\D", "")) / 1048576.0))
          .orElse("unknown"));
      facts.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
      try {
        String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        facts.put("load", load[0] + " " + load[1] + " " + load[2]);
      } catch (IOException | RuntimeException e) {
        facts.put("load", "unknown");
      }
      return facts;
    }

    private static java.util.Optional<String> procLine(String file, String key) {
      try {
        for (String line : Files.readAllLines(Path.of(file))) {
          if (line.startsWith(key)) {
            return java.util.Optional.of(line.substring(line.indexOf(':') + 1).trim());
          }
        }
      } catch (IOException | RuntimeException ignored) {
        // not Linux: leave it unknown
      }
      return java.util.Optional.empty();
    }
  }
}
