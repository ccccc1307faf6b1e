package io.rainhub.hub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The topology, component and job commands' command lines, and their exit code when no hub answers. */
class TopologyCommandsTest {

  @Command(name = "rainhub")
  static final class Root {
  }

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine root = new CommandLine(new Root());
    CliCommands.register(root);
    root.setOut(new PrintWriter(new StringWriter()));
    root.setErr(new PrintWriter(err));
    return root.execute(args);
  }

  @Test
  void aMissingSubcommandOrOptionIsAUsageError() {
    assertThat(run("topology")).isEqualTo(2);
    assertThat(err.toString()).contains("give a subcommand: create, list, get or delete");
    assertThat(run("component", "scale", "shop/app")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--count=N'");
    assertThat(run("job", "follow", "j1", "--progress", "fancy")).isEqualTo(2);
  }

  @Test
  void aHubThatCannotBeReachedIsOneLineAndExitTwo() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    String[] hub = {"--hub", "http://127.0.0.1:1", "--token", "t"};
    for (String[] command : new String[][] {{"job", "follow", "j1"}, {"topology", "list"},
        {"component", "scale", "shop/app", "--count", "2"}}) {
      err.getBuffer().setLength(0);
      String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(command), java.util.Arrays.stream(hub))
          .toArray(String[]::new);
      assertThat(run(args)).as(String.join(" ", command)).isEqualTo(2);
      assertThat(err.toString()).isEqualTo("rainhub: cannot reach http://127.0.0.1:1 (connection refused);"
          + " is the hub running? (rainhub serve)" + System.lineSeparator());
    }
  }
}
