package io.rainhub.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RainHubCommandTest {

  @Test
  void helpListsServe() {
    String help = run("--help");
    assertThat(help).contains("Usage: rainhub", "serve");
  }

  @Test
  void serveHelpListsEveryOptionWithItsEnvironmentVariable() {
    String help = run("serve", "--help");
    for (HubOption option : HubOption.values()) {
      assertThat(help).contains(option.flag()).contains(option.environmentVariable());
    }
  }

  @Test
  void unknownFlagIsAUsageError() {
    CommandLine line = RainHubCommand.commandLine();
    StringWriter err = new StringWriter();
    line.setErr(new PrintWriter(err));
    assertThat(line.execute("serve", "--prot", "80")).isEqualTo(2);
    assertThat(err.toString()).contains("--prot");
  }

  private static String run(String... args) {
    CommandLine line = RainHubCommand.commandLine();
    StringWriter out = new StringWriter();
    line.setOut(new PrintWriter(out));
    assertThat(line.execute(args)).isZero();
    return out.toString();
  }
}
