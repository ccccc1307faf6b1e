package io.rainhub.agent.cli;

import io.rainhub.agent.webapp.WebappOptions;
import io.rainhub.agent.webapp.WebappVerticle;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code rain-agent webapp}: the small HTTP app of the {@code webapp} recipe (docs/workflows.md). */
@Command(name = "webapp", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 110,
    description = {"Serves GET / as {\"node\": NAME, \"counter\": n}, n a counter in the PostgreSQL database that "
        + "each request increments, and GET /health (200 once the database answers). Waits for the database "
        + "with backoff; its errors are 503 problems. Prints one line once listening; logs go to stderr."})
public final class WebappCommand implements Callable<Integer> {

  /** The agent's logback configuration logs to stdout; the webapp's to stderr. */
  private static final String AGENT_LOGBACK_CONFIG = "rain-agent-logback.xml";
  private static final String WEBAPP_LOGBACK_CONFIG = "rain-agent-webapp-logback.xml";

  @Spec
  CommandSpec spec;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "This node's name, in every answer.")
  String name;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--port", required = true, paramLabel = "PORT", description = "Port to listen on (0: any free one).")
  int port;

  @Option(names = "--db-host", required = true, paramLabel = "HOST", description = "PostgreSQL host.")
  String dbHost;

  @Option(names = "--db-port", required = true, paramLabel = "PORT", description = "PostgreSQL port.")
  int dbPort;

  @Option(names = "--db-name", required = true, paramLabel = "DB", description = "PostgreSQL database.")
  String dbName;

  @Option(names = "--db-user", defaultValue = "postgres", paramLabel = "USER",
      description = "PostgreSQL user (trust authentication). Default: ${DEFAULT-VALUE}.")
  String dbUser;

  @Override
  public Integer call() throws Exception {
    WebappOptions options = options();
    // No logger exists yet: the first one created reads this.
    if (AGENT_LOGBACK_CONFIG.equals(System.getProperty("logback.configurationFile"))) {
      System.setProperty("logback.configurationFile", WEBAPP_LOGBACK_CONFIG);
    }
    Vertx vertx = Vertx.vertx();
    WebappVerticle webapp = new WebappVerticle(options);
    String deployment;
    try {
      deployment = vertx.deployVerticle(webapp).await();
    } catch (Exception failed) {
      LoggerFactory.getLogger(WebappCommand.class).error("The webapp could not start: {}", failed.toString());
      vertx.close().await();
      return 1;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("rain-agent webapp " + name + " listening on http://" + host + ":" + webapp.actualPort());
    out.flush();
    RainAgentCommand.awaitShutdown(vertx, () -> vertx.undeploy(deployment));
    return 0;
  }

  WebappOptions options() {
    try {
      return new WebappOptions(name, host, port, dbHost, dbPort, dbName, dbUser);
    } catch (IllegalArgumentException invalid) {
      throw new ParameterException(spec.commandLine(), invalid.getMessage() + " (--port, --db-port)");
    }
  }
}
