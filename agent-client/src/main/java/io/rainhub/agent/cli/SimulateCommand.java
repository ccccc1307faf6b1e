package io.rainhub.agent.cli;

import io.rainhub.agent.AgentCounters;
import io.rainhub.agent.AgentIdentity;
import io.rainhub.agent.sim.AgentSimulator;
import io.rainhub.agent.sim.BlastResult;
import io.rainhub.agent.sim.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code rain-agent simulate}: many agents in this JVM, to load a hub. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
    description = {"Opens --count agent sessions in this JVM speaking the real protocol (hello, welcome, heartbeats, "
        + "ack and result, reconnects with backoff), each with its state in memory: every command succeeds at once "
        + "(a guest command echoes itself). Prints one line of counters every --report-seconds.",
        "With --blast-seconds: once all are welcomed, every agent sends heartbeats as fast as its socket takes "
            + "them for that long, then the total and the rate are printed and the command ends."})
public final class SimulateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  HubOptions hubOptions;

  @Option(names = "--count", required = true, paramLabel = "N", description = "How many agents.")
  int count;

  @Option(names = "--kind", defaultValue = "mothership", paramLabel = "KIND",
      description = "mothership (default), rainserver or generic.")
  String kind;

  @Option(names = "--name-prefix", defaultValue = "sim-", paramLabel = "PREFIX",
      description = "Agents are named PREFIX1, PREFIX2, … Default: sim-.")
  String namePrefix;

  @Option(names = "--capacity", paramLabel = "cpu=N,ramMb=N,bandwidthMbps=N", converter = Converters.Capacity.class,
      defaultValue = "cpu=4,ramMb=8192,bandwidthMbps=1000", description = "Each agent's capacity. Default: ${DEFAULT-VALUE}.")
  JsonObject capacity;

  @Option(names = "--heartbeat-ms", defaultValue = "0", paramLabel = "MS",
      description = "Heartbeat interval of each agent. Default: 0, the interval the hub's welcome gives.")
  long heartbeatMs;

  @Option(names = "--connect-rate", defaultValue = "500/s", paramLabel = "N/s", converter = Converters.Rate.class,
      description = "How many agents start connecting per second. Default: ${DEFAULT-VALUE}.")
  double connectRate;

  @Option(names = "--report-seconds", defaultValue = "10", paramLabel = "S",
      description = "Seconds between two lines of counters. Default: ${DEFAULT-VALUE}.")
  int reportSeconds;

  @Option(names = "--blast-seconds", defaultValue = "0", paramLabel = "S",
      description = "Flood the hub with heartbeats for S seconds once all agents are welcomed, report, and stop.")
  int blastSeconds;

  @Override
  public Integer call() throws Exception {
    SimulatorOptions options = options();
    PrintWriter out = spec.commandLine().getOut();
    Vertx vertx = Vertx.vertx();
    AgentSimulator simulator = new AgentSimulator(vertx, options);
    long started = System.nanoTime();
    long reports = vertx.setPeriodic(reportSeconds * 1000L, tick -> report(out, simulator.counters()));
    Future<Void> welcomed = simulator.start().onSuccess(all -> print(out, "all " + count + " agents welcomed in "
        + seconds(System.nanoTime() - started) + " s"));
    if (blastSeconds == 0) {
      RainAgentCommand.awaitShutdown(vertx, simulator::stop);
      return 0;
    }
    welcomed.await();
    print(out, "blasting heartbeats for " + blastSeconds + " s");
    BlastResult blast = simulator.blast(Duration.ofSeconds(blastSeconds)).await();
    print(out, String.format("blast: %d frames in %s s = %.0f frames/s", blast.frames(),
        seconds(blast.elapsed().toNanos()), blast.framesPerSecond()));
    vertx.cancelTimer(reports);
    report(out, simulator.counters());
    simulator.stop().await();
    vertx.close().await();
    return 0;
  }

  SimulatorOptions options() {
    if (!AgentIdentity.KINDS.contains(kind)) {
      throw new ParameterException(spec.commandLine(), "--kind must be mothership, rainserver or generic: " + kind);
    }
    if (count < 1 || reportSeconds < 1 || heartbeatMs < 0 || blastSeconds < 0) {
      throw new ParameterException(spec.commandLine(),
          "--count and --report-seconds must be at least 1, --heartbeat-ms and --blast-seconds not negative");
    }
    hubOptions.endpoints(); // a bad --hub fails here, before any agent starts
    return new SimulatorOptions().setHub(hubOptions.hubList()).setToken(hubOptions.token()).setTls(hubOptions.tls())
        .setCount(count).setKind(kind).setNamePrefix(namePrefix).setCapacity(capacity).setHeartbeatMs(heartbeatMs)
        .setConnectRatePerSecond(connectRate);
  }

  private static void report(PrintWriter out, AgentCounters counters) {
    print(out, counters + (counters.lastError() == null ? "" : " lastError=" + counters.lastError()));
  }

  private static void print(PrintWriter out, String line) {
    out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line);
    out.flush();
  }

  private static String seconds(long nanos) {
    return String.format("%.1f", nanos / 1e9);
  }
}
