package io.rainhub.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The command line of {@link TakeoverBenchmark}; the defaults are the figures BENCHMARKS.md records. */
final class TakeoverBenchmarkOptions {
  static final String USAGE = """
      usage: java -cp rainhub-benchmarks.jar io.rainhub.bench.TakeoverBenchmark --db postgresql://USER@HOST:PORT/DB
               [--kills 20] [--lease-ms 4000] [--hub-jar hub/target/rainhub.jar] [--hub-java-opts -Xmx256m]
               [--write-interval-ms 100] [--settle-ms 1000] [--log-dir DIR]
        --db                 a PostgreSQL server (any database on it): the benchmark creates a fresh database
                             there for the two hubs and drops it at the end (default: $RAINHUB_TEST_PG)
        --kills              leader kills in a row (kill -9 of the hub holding the lease, then its restart)
        --lease-ms           the hubs' --leader-lease-ms
        --hub-java-opts      JVM flags of each hub process, split on spaces
        --write-interval-ms  pause between the client's registrations (one at a time, through the live hubs)
        --settle-ms          wait after a restarted hub serves, before the next kill
        --log-dir            where the hubs' logs are kept (bench-takeover-hub-a.log, -b.log); default: a
                             scratch directory that is deleted""";

  URI db = System.getenv("RAINHUB_TEST_PG") == null ? null : URI.create(System.getenv("RAINHUB_TEST_PG"));
  int kills = 20;
  long leaseMs = 4_000;
  Path hubJar = Path.of("hub", "target", "rainhub.jar");
  List<String> hubJavaOpts = List.of("-Xmx256m");
  long writeIntervalMs = 100;
  long settleMs = 1_000;
  Path logDir;

  static TakeoverBenchmarkOptions parse(String[] args) {
    TakeoverBenchmarkOptions o = new TakeoverBenchmarkOptions();
    Map<String, String> given = BenchArguments.read(args, USAGE);
    for (Map.Entry<String, String> e : given.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      switch (k) {
        case "--db" -> o.db = URI.create(v);
        case "--kills" -> o.kills = BenchArguments.integer(k, v, 1);
        case "--lease-ms" -> o.leaseMs = BenchArguments.number(k, v, 200);
        case "--hub-jar" -> o.hubJar = Path.of(v);
        case "--hub-java-opts" -> o.hubJavaOpts = Arrays.stream(v.trim().split("\\s+")).filter(s -> !s.isEmpty())
            .toList();
        case "--write-interval-ms" -> o.writeIntervalMs = BenchArguments.number(k, v, 0);
        case "--settle-ms" -> o.settleMs = BenchArguments.number(k, v, 0);
        case "--log-dir" -> o.logDir = Path.of(v).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown option " + k);
      }
    }
    if (o.db == null) {
      throw new IllegalArgumentException("--db postgresql://USER@HOST:PORT/DB is required (or RAINHUB_TEST_PG)");
    }
    o.hubJar = o.hubJar.toAbsolutePath().normalize();
    return o;
  }
}
