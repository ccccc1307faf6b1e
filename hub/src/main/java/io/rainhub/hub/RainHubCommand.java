package io.rainhub.hub;

import io.rainhub.hub.cli.CliCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rainhub}: the hub's command line. */
@Command(name = "rainhub", mixinStandardHelpOptions = true, version = "Rain Hub 0.1.0",
    description = "Control plane for elastic web clouds: registry, placement, agents, workflows.",
    subcommands = {ServeCommand.class, AgentTokenCommand.class, CommandLine.HelpCommand.class})
public final class RainHubCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Vert.x and Hazelcast log through SLF4J (Logback), like the hub itself.
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("hazelcast.logging.type", "slf4j");
    int exit = commandLine().execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /**
   * The command line with {@code serve}'s options taken from {@link HubOption}, the everyday
   * commands of {@link CliCommands}, and failures reported as one line (see {@link CliCommands#report}).
   */
  public static CommandLine commandLine() {
    CommandLine line = new CommandLine(new RainHubCommand());
    ServeCommand.registerOptions(line.getSubcommands().get("serve").getCommandSpec());
    CliCommands.register(line);
    return line;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
