package io.rainhub.agent.cli;

import io.rainhub.agent.AgentConfig;
import io.rainhub.agent.AgentIdentity;
import io.rainhub.agent.HostMetricsSource;
import io.rainhub.agent.RainAgent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code rain-agent host}: several generic nodes of topologies in one process (docs/agent-protocol.md,
 * "Several nodes in one process"), each its own {@link RainAgent} with its own connection and state
 * in {@code DIR/<name>/}, all on one Vert.x and one pool of script threads. Exits 0 once every node
 * left; on SIGTERM every node says goodbye first.
 */
@Command(name = "host", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
    description = "Runs several generic nodes (topology nodes) in this one process.")
final class HostCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(HostCommand.class);
  /** Enough that 50 nodes running a stage at once (sleeping, waiting on a service) are not serialized. */
  static final int SCRIPT_THREADS = 64;
  static final String SCRIPT_POOL = "rain-agent-host-scripts";
  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Duration DEFAULT_SCRIPT_TIMEOUT = Duration.ofMinutes(10);

  @Spec
  CommandSpec spec;

  @Mixin
  HubOptions hubOptions;

  @Option(names = "--base-dir", paramLabel = "DIR",
      description = "Required. Each node's state, node directory and recipes go in DIR/<name>/.")
  Path baseDir;

  @Option(names = "--node", paramLabel = "NAME", description = "Required. A node to run; repeat for each node.")
  List<String> nodes;

  @Option(names = "--label", paramLabel = "k=v", description = "A label every node sends in hello; repeatable.")
  Map<String, String> labels;

  @Option(names = "--address", paramLabel = "ADDRESS", description = "How others reach these nodes. Default: the host name.")
  String address;

  @Option(names = "--allow-guest", description = "Run the hub's guest commands (bash -c); refused otherwise.")
  boolean allowGuest;

  @Option(names = "--transport", paramLabel = "ws|http", defaultValue = "ws",
      description = "ws (default), or http: the HTTP fallback for networks that break WebSockets.")
  String transport;

  @Option(names = "--script-timeout", paramLabel = "DURATION", converter = Converters.Time.class,
      description = "Longest a stage without its own timeoutMs, or a guest command, may run. Default: 10m.")
  Duration scriptTimeout = DEFAULT_SCRIPT_TIMEOUT;

  @Override
  public Integer call() throws Exception {
    List<AgentConfig> configs = configs();
    Vertx vertx = Vertx.vertx();
    HostMetricsSource metrics = new HostMetricsSource(vertx);
    List<RainAgent> agents = new ArrayList<>();
    List<String> deployments = new ArrayList<>();
    try {
      for (AgentConfig config : configs) {
        Files.createDirectories(config.scriptsDir());
        RainAgent agent = new RainAgent(config, metrics);
        deployments.add(vertx.deployVerticle(agent).await());
        agents.add(agent);
      }
    } catch (Exception failed) {
      LOG.error("The nodes could not start: {}", failed.toString());
      vertx.close().await();
      return 1;
    }
    LOG.info("Hosting {} nodes in {}; exits once every one of them left", agents.size(), baseDir.toAbsolutePath());
    Future<?> allLeft = Future.all(agents.stream().map(RainAgent::left).toList());
    boolean finished = Lifetime.await(vertx, () -> Future.all(deployments.stream()
        .filter(id -> vertx.deploymentIDs().contains(id)).map(vertx::undeploy).toList()), allLeft);
    if (finished) {
      LOG.info("Every node left: exiting");
    }
    return 0;
  }

  /** One agent per node, checked; package-private for the tests. */
  List<AgentConfig> configs() {
    if (baseDir == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: --base-dir");
    }
    if (nodes == null || nodes.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Missing required option: --node");
    }
    if (new LinkedHashSet<>(nodes).size() != nodes.size()) {
      throw new ParameterException(spec.commandLine(), "--node: each node once: " + nodes);
    }
    AgentConfig.TransportKind transportKind = switch (transport) {
      case "ws" -> AgentConfig.TransportKind.WS;
      case "http" -> AgentConfig.TransportKind.HTTP;
      default -> throw new ParameterException(spec.commandLine(), "--transport must be ws or http: " + transport);
    };
    String nodeAddress = address == null ? hostName() : address;
    AgentConfig.ScriptPool pool = new AgentConfig.ScriptPool(SCRIPT_POOL, SCRIPT_THREADS);
    List<AgentConfig> configs = new ArrayList<>();
    for (String node : nodes) {
      if (!NODE_NAME.matcher(node).matches()) {
        throw new ParameterException(spec.commandLine(), "--node: a name of [A-Za-z0-9._-], not starting with "
            + "'.' or '-': " + node);
      }
      Path stateDir = baseDir.resolve(node);
      AgentIdentity identity = new AgentIdentity("generic", node, nodeAddress, null,
          labels == null ? Map.of() : labels, List.of(), AgentIdentity.currentVersion());
      // Guest commands run in the node's directory: a generic node has no scripts folder of its own.
      configs.add(new AgentConfig(hubOptions.endpoints(), hubOptions.token(), identity, stateDir.resolve("node"),
          stateDir, allowGuest, transportKind, hubOptions.tls(), scriptTimeout).withScriptPool(pool));
    }
    return configs;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException unknown) {
      return "localhost";
    }
  }
}
