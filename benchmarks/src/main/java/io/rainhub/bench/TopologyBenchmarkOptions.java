package io.rainhub.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The command line of {@link TopologyBenchmark}; the defaults are the figures BENCHMARKS.md records. */
final class TopologyBenchmarkOptions {
  static final String USAGE = """
      usage: java -cp rainhub-benchmarks.jar io.rainhub.bench.TopologyBenchmark
               [--sizes 1,10,50] [--rounds 3] [--warmups 1] [--sleep-seconds 1] [--hub-jar hub/target/rainhub.jar]
               [--agent-jar agent-client/target/rain-agent.jar] [--recipes benchmarks/recipes]
               [--hub-java-opts -Xmx256m] [--db postgresql://USER@HOST:PORT/DB] [--job-timeout-s 600] [--log-dir DIR]
        --sizes          the app component's sizes N (db ← app × N ← lb), each deployed once per round
        --rounds         rounds; each deploys and deletes every size, in reverse order every other round
        --warmups        deployments of the smallest size before the rounds, not counted (a cold hub JVM)
        --sleep-seconds  how long each stage script sleeps (the recipes' sleep_seconds setting); > 0
        --recipes        directory of the sleep-db, sleep-app and sleep-lb recipes
        --hub-java-opts  JVM flags of the hub process, split on spaces
        --db             a PostgreSQL server: the hub gets a fresh database there, dropped at the end
                         (default: the hub's embedded H2 under a scratch --data-dir)
        --job-timeout-s  longest a deployment or deletion job may run before the benchmark gives up
        --log-dir        where the hub's log is kept (bench-topology-hub.log); default: a scratch
                         directory that is deleted""";

  List<Integer> sizes = List.of(1, 10, 50);
  int rounds = 3;
  int warmups = 1;
  double sleepSeconds = 1;
  Path hubJar = Path.of("hub", "target", "rainhub.jar");
  Path agentJar = Path.of("agent-client", "target", "rain-agent.jar");
  Path recipes = Path.of("benchmarks", "recipes");
  List<String> hubJavaOpts = List.of("-Xmx256m");
  URI db;
  long jobTimeoutS = 600;
  Path logDir;

  static TopologyBenchmarkOptions parse(String[] args) {
    TopologyBenchmarkOptions o = new TopologyBenchmarkOptions();
    Map<String, String> given = BenchArguments.read(args, USAGE);
    for (Map.Entry<String, String> e : given.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      switch (k) {
        case "--sizes" -> o.sizes = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
            .map(s -> BenchArguments.integer(k, s, 1)).distinct().toList();
        case "--rounds" -> o.rounds = BenchArguments.integer(k, v, 1);
        case "--warmups" -> o.warmups = BenchArguments.integer(k, v, 0);
        case "--sleep-seconds" -> o.sleepSeconds = positive(k, v);
        case "--hub-jar" -> o.hubJar = Path.of(v);
        case "--agent-jar" -> o.agentJar = Path.of(v);
        case "--recipes" -> o.recipes = Path.of(v);
        case "--hub-java-opts" -> o.hubJavaOpts = Arrays.stream(v.trim().split("\\s+")).filter(s -> !s.isEmpty())
            .toList();
        case "--db" -> o.db = URI.create(v);
        case "--job-timeout-s" -> o.jobTimeoutS = BenchArguments.number(k, v, 10);
        case "--log-dir" -> o.logDir = Path.of(v).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown option " + k);
      }
    }
    if (o.sizes.isEmpty()) {
      throw new IllegalArgumentException("--sizes needs at least one size");
    }
    if (o.sizes.stream().anyMatch(n -> n > 100)) {
      throw new IllegalArgumentException("--sizes: a component has at most 100 nodes");
    }
    o.hubJar = o.hubJar.toAbsolutePath().normalize();
    o.agentJar = o.agentJar.toAbsolutePath().normalize();
    o.recipes = o.recipes.toAbsolutePath().normalize();
    return o;
  }

  private static double positive(String name, String value) {
    try {
      double seconds = Double.parseDouble(value);
      if (seconds > 0 && seconds <= 30) {
        return seconds;
      }
    } catch (NumberFormatException ignored) {
      // below
    }
    throw new IllegalArgumentException(name + " must be a number of seconds in (0, 30], not " + value);
  }
}
