package io.rainhub.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** The command line of {@link AgentBenchmark}; the defaults are the figures BENCHMARKS.md records. */
final class AgentBenchmarkOptions {
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

  static AgentBenchmarkOptions parse(String[] args) {
    AgentBenchmarkOptions o = new AgentBenchmarkOptions();
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
