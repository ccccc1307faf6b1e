package io.rainhub.hub.cli;

import picocli.CommandLine;

/** The everyday commands over the REST API, as subcommands of {@code rainhub}. */
public final class CliCommands {

  private CliCommands() {
  }

  /** Adds the commands to {@code root} and makes every failure one line on stderr, never a stack trace. */
  public static void register(CommandLine root) {
    for (Object command : new Object[] {new LoginCommand(), new NodesCommand(), new InstancesCommand(),
        new ComponentsCommand(), new DeployCommand(), new InstantiateCommand(), new StopCommand(), new DrainCommand(),
        new EventsCommand(), new MapCommand(), new TokensCommand(), new TopologyCommand(), new ComponentCommand(),
        new JobCommand()}) {
      root.addSubcommand(command);
    }
    root.setExecutionExceptionHandler(CliCommands::report);
  }

  /**
   * A {@link CliException} is its message and exit code; anything else is a defect of the CLI, still
   * one line (its type and message), exit 1.
   */
  static int report(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
    String message = e instanceof CliException cli ? cli.getMessage()
        : "unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    command.getErr().println("rainhub: " + message);
    command.getErr().flush();
    return e instanceof CliException cli ? cli.exitCode() : CliException.REFUSED;
  }
}
