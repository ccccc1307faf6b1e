package io.rainhub.bench;

import java.net.URI;
import java.util.Map;

/** The command line of {@link CloudApiBenchmark}; the defaults are the figures BENCHMARKS.md records. */
final class CloudApiBenchmarkOptions {
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

  static CloudApiBenchmarkOptions parse(String[] args) {
    CloudApiBenchmarkOptions o = new CloudApiBenchmarkOptions();
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
