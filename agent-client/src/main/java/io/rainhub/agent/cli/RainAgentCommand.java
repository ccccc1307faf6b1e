package io.rainhub.agent.cli;

import io.rainhub.agent.AgentConfig;
import io.rainhub.agent.AgentIdentity;
import io.rainhub.agent.RainAgent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code rain-agent}: runs one node agent until it is stopped (SIGTERM, Ctrl-C), reconnecting to
 * the hub whenever the connection is lost. {@code rain-agent simulate} loads a hub with many.
 */
@Command(name = "rain-agent", mixinStandardHelpOptions = true, versionProvider = RainAgentCommand.Version.class,
    sortOptions = false, usageHelpWidth = 110,
    description = "Connects this node to a Rain Hub (docs/agent-protocol.md) and runs the hub's commands with the "
        + "lifecycle scripts of --scripts.",
    subcommands = {SimulateCommand.class, HostCommand.class, WebappCommand.class, CommandLine.HelpCommand.class})
public final class RainAgentCommand implements Callable<Integer> {

  /** Logback's configuration inside the jar; not named logback.xml so the jar used as a library imposes none. */
  private static final String LOGBACK_CONFIG = "rain-agent-logback.xml";
  private static final Duration DEFAULT_SCRIPT_TIMEOUT = Duration.ofMinutes(10);
  private static final long SHUTDOWN_TIMEOUT_SECONDS = 10;

  @Spec
  CommandSpec spec;

  @Mixin
  HubOptions hubOptions;

  // Required options are checked in config(): see HubOptions.
  @Option(names = "--kind", paramLabel = "KIND", description = "Required. mothership, rainserver or generic.")
  String kind;

  @Option(names = "--name", paramLabel = "NAME", description = "Required. This node's name at the hub.")
  String name;

  @Option(names = "--capacity", paramLabel = "cpu=N,ramMb=N,bandwidthMbps=N", converter = Converters.Capacity.class,
      description = "What this node offers; required for a mothership.")
  JsonObject capacity;

  @Option(names = "--scripts", paramLabel = "DIR", description = "Lifecycle scripts: "
      + "DIR/<component>/<version>/<step>.sh, node scripts DIR/_node/<action>.sh. Required but for a generic node,"
      + " whose topology recipes the hub ships.")
  Path scripts;

  @Option(names = "--address", paramLabel = "ADDRESS", description = "How others reach this node. Default: the host name.")
  String address;

  @Option(names = "--labels", split = ",", paramLabel = "k=v", description = "Labels, e.g. zone=eu-1,disk=ssd.")
  Map<String, String> labels;

  @Option(names = "--urls", split = ",", paramLabel = "PATTERN",
      description = "URL patterns this rain server renders, e.g. /shop/*,/cart/*; required for a rain server.")
  List<String> urls;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where state.json lives. Default: ./rain-agent-state/<name>.")
  Path stateDir;

  @Option(names = "--allow-guest", description = "Run the hub's guest commands (bash -c); refused otherwise.")
  boolean allowGuest;

  @Option(names = "--transport", paramLabel = "ws|http", defaultValue = "ws",
      description = "ws (default), or http: the HTTP fallback for networks that break WebSockets.")
  String transport;

  @Option(names = "--script-timeout", paramLabel = "DURATION", converter = Converters.Time.class,
      description = "Longest a script or guest command may run before it is killed, e.g. 600s, 10m. Default: 10m.")
  Duration scriptTimeout = DEFAULT_SCRIPT_TIMEOUT;

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
    }
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.exit(new CommandLine(new RainAgentCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    AgentConfig config = config();
    Vertx vertx = Vertx.vertx();
    RainAgent agent = new RainAgent(config);
    String deployment;
    try {
      deployment = vertx.deployVerticle(agent).await();
    } catch (Exception failed) {
      LoggerFactory.getLogger(RainAgentCommand.class).error("The agent could not start: {}", failed.toString());
      vertx.close().await();
      return 1;
    }
    // A generic node that left its topology has nothing more to do here.
    Lifetime.await(vertx, () -> vertx.undeploy(deployment), agent.left());
    return 0;
  }

  /** The agent's configuration from the options, checked. */
  AgentConfig config() {
    required(kind, "--kind");
    required(name, "--name");
    Path state = stateDir == null ? Path.of("rain-agent-state", name) : stateDir;
    Path scriptsDir = scripts;
    if (scriptsDir == null && "generic".equals(kind)) {
      // A topology node gets its recipes from the hub; it needs no scripts of its own.
      scriptsDir = state.resolve("scripts");
      try {
        Files.createDirectories(scriptsDir);
      } catch (java.io.IOException e) {
        throw new ParameterException(spec.commandLine(), "cannot create " + scriptsDir + ": " + e.getMessage());
      }
    }
    required(scriptsDir, "--scripts");
    AgentIdentity identity;
    try {
      identity = new AgentIdentity(kind, name, address == null ? hostName() : address, capacity,
          labels == null ? Map.of() : labels, urls == null ? List.of() : urls, AgentIdentity.currentVersion());
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(spec.commandLine(), invalid.getMessage()
          + " (--kind, --capacity for a mothership, --urls for a rain server)");
    }
    if (!Files.isDirectory(scriptsDir)) {
      throw new ParameterException(spec.commandLine(), "--scripts: not a directory: " + scriptsDir);
    }
    AgentConfig.TransportKind transportKind = switch (transport) {
      case "ws" -> AgentConfig.TransportKind.WS;
      case "http" -> AgentConfig.TransportKind.HTTP;
      default -> throw new ParameterException(spec.commandLine(), "--transport must be ws or http: " + transport);
    };
    return new AgentConfig(hubOptions.endpoints(), hubOptions.token(), identity, scriptsDir, state, allowGuest,
        transportKind,
        hubOptions.tls(), scriptTimeout);
  }

  private void required(Object value, String option) {
    if (value == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: " + option);
    }
  }

  /**
   * Blocks until the JVM is asked to stop (SIGTERM, Ctrl-C); then runs {@code stop} and closes
   * Vert.x. Stopping first keeps reconnect and ramp timers from using clients Vert.x already closed.
   */
  static void awaitShutdown(Vertx vertx, Supplier<Future<?>> stop) throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // Each step is awaited from this thread with a bound: a completion dispatched to an event
      // loop that Vert.x is closing never runs, and the JVM must exit anyway.
      try {
        awaitBounded(stop.get());
        awaitBounded(vertx.close());
      } finally {
        closed.countDown();
      }
    }, "rain-agent-shutdown"));
    closed.await();
  }

  private static void awaitBounded(Future<?> step) {
    try {
      step.toCompletionStage().toCompletableFuture().get(SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException notClean) {
      // stopping anyway: the state directory is written atomically, so nothing is half-stored
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException unknown) {
      return "localhost";
    }
  }

  /** {@code --version}: the jar's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"rain-agent " + AgentIdentity.currentVersion()};
    }
  }
}
