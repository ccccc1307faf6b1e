package io.rainhub.bench;

import static io.rainhub.bench.Progress.say;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Benchmark of leader takeover (issue 9 item 9); see {@code bin/bench-takeover} and BENCHMARKS.md.
 * Two clustered hub processes on one fresh PostgreSQL database; once the first leads, {@code --kills}
 * times: the hub holding the lease is killed with SIGKILL, the time until the survivor prints
 * {@value #LEADS} is taken from its output, and separately the time until a registration sent
 * through the survivor is answered 201; then the killed hub is restarted as a follower (awaited
 * until it serves) before the next kill. Throughout, {@link RegistrationLoad} keeps registering
 * motherships through the live hubs. At the end, with every hub stopped, the database is audited:
 * events written with an epoch older than one written before them (must be 0), every accepted
 * registration stored exactly once, and the final epoch.
 *
 * <p>All traffic goes to 127.0.0.1 and the PostgreSQL server given; every wait is bounded; the hubs,
 * the database and the scratch files go at the end, on failure too (a shutdown hook).
 */
public final class TakeoverBenchmark {

  static final String LEADS = "This hub runs the hypervisor";
  static final String SERVING = "Rain Hub serving";
  static final String LEFT = "Hub left the cluster";
  static final String TOOK = "Took the database lease";
  static final long TARGET_MS = 5_000;
  private static final long START_TIMEOUT_MS = 180_000;
  private static final long TAKEOVER_TIMEOUT_MS = 60_000;
  private static final int LABEL_WIDTH = 27;

  /** One kill: milliseconds from the SIGKILL to each sign of the takeover; -1 when not seen. */
  record Kill(int number, String killed, long epochBefore, long toLeftCluster, long toLeaseTaken, String reason,
              long toLeads, long toFirstWrite, long restartMs) {}

  private final TakeoverBenchmarkOptions options;
  private final String password = "bench-" + UUID.randomUUID();
  private final String prefix = "takeover-" + Long.toHexString(System.nanoTime() & 0xffffff) + "-";
  private final List<ClusteredHub> hubs = new ArrayList<>();
  private final List<Kill> kills = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final List<String> probesAccepted = new ArrayList<>();
  private int probeFailures;
  private Path work;
  private Path logDir;
  private TakeoverDatabase database;

  private TakeoverBenchmark(TakeoverBenchmarkOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    TakeoverBenchmarkOptions options;
    try {
      options = TakeoverBenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("TakeoverBenchmark: " + e.getMessage());
      System.err.println(TakeoverBenchmarkOptions.USAGE);
      System.exit(2);
      return;
    }
    TakeoverBenchmark benchmark = new TakeoverBenchmark(options);
    Thread cleanUp = new Thread(benchmark::cleanUp, "takeover-clean-up");
    Runtime.getRuntime().addShutdownHook(cleanUp);
    int status;
    try {
      benchmark.run();
      status = 0;
    } catch (BenchmarkFailure e) {
      System.err.println("TakeoverBenchmark: FAILED: " + e.getMessage());
      status = 1;
    } catch (Exception e) {
      System.err.println("TakeoverBenchmark: FAILED: " + e);
      e.printStackTrace();
      status = 1;
    }
    System.exit(status); // the shutdown hook stops the hubs and drops the database
  }

  private void run() throws Exception {
    if (!Files.isRegularFile(options.hubJar)) {
      throw new BenchmarkFailure(options.hubJar + " is missing: ./mvnw -DskipTests package builds it");
    }
    Map<String, String> facts = Machine.facts();
    say("machine: " + facts.get("cpus") + " cpus, " + facts.get("cpu model") + ", " + facts.get("memory")
        + " RAM; " + facts.get("java") + "; load " + facts.get("load"));
    work = ScratchDirectory.create("rainhub-bench-takeover-");
    logDir = options.logDir != null ? Files.createDirectories(options.logDir) : work;
    database = TakeoverDatabase.create(options.db);
    say("database " + database.name() + " created on " + options.db.getHost() + ":" + options.db.getPort());

    int[] cluster = {freePort(), freePort()};
    String members = "127.0.0.1:" + cluster[0] + ",127.0.0.1:" + cluster[1];
    List<String> launcher = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    launcher.addAll(options.hubJavaOpts);
    launcher.addAll(List.of("-jar", options.hubJar.toString(), "serve", "--cluster", "--db", database.hubUri(),
        "--host", "127.0.0.1", "--cluster-host", "127.0.0.1", "--cluster-members", members,
        "--leader-lease-ms", Long.toString(options.leaseMs)));
    for (String name : List.of("a", "b")) {
      Path log = logDir.resolve("bench-takeover-hub-" + name + ".log");
      Files.deleteIfExists(log);
      hubs.add(new ClusteredHub("hub-" + name, freePort(), cluster[hubs.size()], log, launcher));
    }
    say("hubs: " + String.join(" ", options.hubJavaOpts) + " -jar " + options.hubJar.getFileName()
        + " serve --cluster, lease " + options.leaseMs + " ms; http ports " + hubs.get(0).httpPort + ", "
        + hubs.get(1).httpPort + "; cluster " + members);

    ClusteredHub leader = hubs.get(0);
    ClusteredHub follower = hubs.get(1);
    long t0 = System.nanoTime();
    startHub(leader);
    leader.await(LEADS, START_TIMEOUT_MS);
    say(String.format(Locale.ROOT, "%s leads after %.1f s; starting %s", leader.name, seconds(t0), follower.name));
    long t1 = System.nanoTime();
    startHub(follower);
    follower.await(SERVING, START_TIMEOUT_MS);
    say(String.format(Locale.ROOT, "%s serves as a follower after %.1f s", follower.name, seconds(t1)));

    RegistrationClient client = new RegistrationClient();
    client.login(leader.httpPort, password);
    RegistrationLoad load = new RegistrationLoad(client, hubs, options.writeIntervalMs, prefix + "load-");
    load.start();
    long started = System.nanoTime();

    for (int k = 1; k <= options.kills; k++) {
      BoundedWaits.sleep(options.settleMs);
      Kill kill = killOnce(k, leader, follower, client);
      kills.add(kill);
      say(String.format(Locale.ROOT, "kill %d/%d: %s killed at epoch %d; %s saw it leave the cluster at %s, took"
              + " the lease at %s (%s), runs the hypervisor at %s, first 201 via it at %s; %s restarted, serving"
              + " after %.1f s; %d registrations accepted, %d failed attempts so far", k, options.kills,
          kill.killed(), kill.epochBefore(), follower.name, ms(kill.toLeftCluster()), ms(kill.toLeaseTaken()),
          kill.reason(),
          ms(kill.toLeads()), ms(kill.toFirstWrite()), kill.killed(), kill.restartMs() / 1000.0,
          load.accepted.size(), load.failures()));
      ClusteredHub next = follower;
      follower = leader;
      leader = next;
    }
    BoundedWaits.sleep(options.settleMs);
    load.stop();
    double loadSeconds = seconds(started);
    say("stopping the hubs and auditing the database...");
    for (ClusteredHub hub : hubs) {
      hub.stop();
    }
    TakeoverDatabase.Audit audit = database.audit(prefix);
    print(facts, load, loadSeconds, audit);
  }

  /** Kills the leader, times the survivor's takeover, restarts the killed hub as a follower. */
  private Kill killOnce(int k, ClusteredHub leader, ClusteredHub survivor, RegistrationClient client)
      throws Exception {
    String holder = database.holderInfo();
    if (!holder.contains("pid " + leader.pid())) {
      problems.add("kill " + k + ": the lease holder was " + holder + ", not " + leader.name + " (pid "
          + leader.pid() + ")");
    }
    long epochBefore = database.epoch();
    long killed = leader.kill();

    // the first registration through the survivor that is accepted; one name and request id per kill,
    // so a repeat of an attempt that was applied without an answer is answered, not stored twice
    String probe = prefix + "probe-" + k;
    long toFirstWrite = -1;
    long deadline = killed + TAKEOVER_TIMEOUT_MS * 1_000_000L;
    while (System.nanoTime() < deadline) {
      RegistrationClient.Answer answer = client.register(survivor.httpPort, probe, "bench-" + probe);
      if (answer.created()) {
        toFirstWrite = (System.nanoTime() - killed) / 1_000_000;
        probesAccepted.add(probe);
        break;
      }
      probeFailures++;
      if (probeFailures <= 5) {
        problems.add("kill " + k + ": a registration via " + survivor.name + " answered "
            + (answer.status() == RegistrationClient.NO_ANSWER ? "nothing" : "HTTP " + answer.status()) + ": "
            + answer.detail().replaceAll("\\s+", " "));
      }
      BoundedWaits.sleep(50);
    }
    if (toFirstWrite < 0) {
      problems.add("kill " + k + ": no registration via " + survivor.name + " accepted within "
          + TAKEOVER_TIMEOUT_MS + " ms");
    }
    ClusteredHub.Line leads = survivor.findAfter(LEADS, killed);
    while (leads == null && System.nanoTime() < deadline) {
      BoundedWaits.sleep(10);
      leads = survivor.findAfter(LEADS, killed);
    }
    if (leads == null) {
      throw new BenchmarkFailure("kill " + k + ": " + survivor.name + " did not print '" + LEADS + "' within "
          + TAKEOVER_TIMEOUT_MS + " ms of the kill");
    }
    ClusteredHub.Line left = survivor.findAfter(LEFT, killed);
    ClusteredHub.Line took = survivor.findAfter(TOOK, killed);
    String reason = took == null ? "no 'Took the database lease' line"
        : took.text().contains("left the cluster") ? "holder left the cluster"
        : took.text().contains("lease expired") ? "lease expired" : "from nobody";

    long restart = System.nanoTime();
    startHub(leader);
    leader.await(SERVING, START_TIMEOUT_MS);
    return new Kill(k, leader.name, epochBefore, since(killed, left), since(killed, took), reason,
        since(killed, leads), toFirstWrite, (System.nanoTime() - restart) / 1_000_000);
  }

  private void startHub(ClusteredHub hub) throws IOException {
    hub.start(Files.createDirectories(work.resolve(hub.name)), password);
  }

  private void print(Map<String, String> facts, RegistrationLoad load, double loadSeconds,
                     TakeoverDatabase.Audit audit) {
    Set<String> accepted = new HashSet<>(load.accepted);
    accepted.addAll(probesAccepted);
    List<String> lost = accepted.stream().filter(name -> !audit.storedByName().containsKey(name)).sorted().toList();
    List<String> duplicated = audit.storedByName().entrySet().stream().filter(e -> e.getValue() > 1)
        .map(Map.Entry::getKey).sorted().toList();
    List<String> unannounced = audit.storedByName().keySet().stream().filter(name -> !accepted.contains(name))
        .sorted().toList();
    long[] toLeads = kills.stream().mapToLong(Kill::toLeads).toArray();
    long[] toWrite = kills.stream().mapToLong(Kill::toFirstWrite).filter(ms -> ms >= 0).toArray();
    long[] toLeft = kills.stream().mapToLong(Kill::toLeftCluster).filter(ms -> ms >= 0).toArray();
    long[] toTook = kills.stream().mapToLong(Kill::toLeaseTaken).filter(ms -> ms >= 0).toArray();
    long[] restarts = kills.stream().mapToLong(Kill::restartMs).toArray();
    Map<String, Long> reasons = kills.stream().collect(Collectors.groupingBy(Kill::reason, Collectors.counting()));

    SummaryText s = new SummaryText("Leader takeover benchmark summary", LABEL_WIDTH);
    s.dateMachineJava(facts);
    s.row("commit", Machine.commit());
    s.loadAverage(facts);
    s.row("hubs", String.format(Locale.ROOT, "2 clustered processes (java %s -jar rainhub.jar serve --cluster"
        + " --leader-lease-ms %d) on one PostgreSQL database", String.join(" ", options.hubJavaOpts),
        options.leaseMs));
    s.section(String.format(Locale.ROOT, "takeover after kill -9 of the leader, %d kills in a row", kills.size()));
    s.row("to 'runs the hypervisor'", percentiles(toLeads));
    s.row("to first 201 via it", percentiles(toWrite) + (toWrite.length < kills.size()
        ? " (" + (kills.size() - toWrite.length) + " kill(s) without one)" : ""));
    s.row("to 'Hub left the cluster'", percentiles(toLeft) + " (the survivor's Hazelcast dropping the killed member)");
    s.row("to 'Took the lease'", percentiles(toTook));
    s.row("lease taken because", reasons.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
    s.row("each, ms", kills.stream().map(kill -> Long.toString(kill.toLeads())).collect(Collectors.joining(" ")));
    s.row("restart to serving", percentiles(restarts) + " (the killed hub, as a follower; not part of takeover)");
    s.section("registrations (POST /mothership/, one at a time through the live hubs, and one per kill via"
        + " the survivor)");
    s.row("client", String.format(Locale.ROOT, "%.0f s, %d attempts, %d accepted (%d after a repeat with the same"
        + " request id), %d names given up", loadSeconds, load.attempts.get(), load.accepted.size(),
        load.acceptedOnRepeat.get(), load.abandoned.size()));
    s.row("failed attempts", load.failures() + " (" + load.describeFailures() + ")");
    load.failureSamples.forEach(sample -> s.row("", sample));
    s.row("survivor probes", probesAccepted.size() + " accepted, " + probeFailures + " answers other than 201");
    s.row("lost accepted", lost.size() + (lost.isEmpty() ? "" : " " + lost.subList(0, Math.min(5, lost.size()))));
    s.row("duplicates", duplicated.size() + (duplicated.isEmpty() ? ""
        : " " + duplicated.subList(0, Math.min(5, duplicated.size()))));
    s.row("stored, not answered", unannounced.size() + " (applied, but the client never got its 201)");
    s.section("database (after the hubs stopped)");
    s.row("events", String.format(Locale.ROOT, "%d, %d by a leader (with an epoch), %d distinct epochs",
        audit.events(), audit.leaderEvents(), audit.epochsInEvents()));
    s.row("final epoch", audit.finalEpoch() + " (" + kills.size() + " kills: at least " + (kills.size() + 1) + ")");
    s.row("stale-epoch writes", audit.staleEpochWrites() + " (events whose epoch is below one written before them)");
    if (!problems.isEmpty()) {
      s.section("problems");
      problems.forEach(p -> s.raw("  " + p + "\n"));
    }
    s.section("targets");
    long max = Arrays.stream(toLeads).max().orElse(Long.MAX_VALUE);
    s.raw(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s%d ms vs target <= %d ms  %s%n", "takeover max", max,
        TARGET_MS, max <= TARGET_MS ? "MET" : "MISSED"));
    s.raw(zero("stale-epoch writes", audit.staleEpochWrites()));
    s.raw(zero("lost accepted", lost.size()));
    s.raw(zero("duplicates", duplicated.size()));
    s.raw(String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s%d vs >= %d  %s%n", "final epoch", audit.finalEpoch(),
        kills.size() + 1, audit.finalEpoch() >= kills.size() + 1 ? "MET" : "MISSED"));
    if (options.logDir != null) {
      s.row("hub logs", logDir.resolve("bench-takeover-hub-{a,b}.log").toString());
    }
    System.out.print(s.end());
    System.out.flush();
  }

  private static String zero(String label, long value) {
    return String.format(Locale.ROOT, "%-" + LABEL_WIDTH + "s%d vs target 0  %s%n", label, value,
        value == 0 ? "MET" : "MISSED");
  }

  /** {@code p50 N  p90 N  max N ms} by nearest rank; {@code none} when empty. */
  static String percentiles(long[] values) {
    if (values.length == 0) {
      return "none";
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return String.format(Locale.ROOT, "p50 %d  p90 %d  max %d ms (min %d, n %d)", rank(sorted, 0.5),
        rank(sorted, 0.9), sorted[sorted.length - 1], sorted[0], sorted.length);
  }

  private static long rank(long[] sorted, double p) {
    return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static long since(long killed, ClusteredHub.Line line) {
    return line == null ? -1 : (line.nanos() - killed) / 1_000_000;
  }

  private static String ms(long millis) {
    return millis < 0 ? "(not seen)" : millis + " ms";
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Stops the hubs, drops the database, deletes the scratch files: at exit, on failure too. */
  private void cleanUp() {
    for (ClusteredHub hub : hubs) {
      hub.stop();
    }
    if (database != null) {
      database.close();
    }
    if (work != null) {
      ScratchDirectory.delete(work);
    }
  }
}
