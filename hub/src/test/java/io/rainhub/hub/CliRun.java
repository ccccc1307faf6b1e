package io.rainhub.hub;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of {@code rainhub ARGS...}: its exit code and what it wrote to stdout and stderr. */
record CliRun(int exit, String out, String err) {

  static CliRun run(String... args) {
    CommandLine line = RainHubCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    int exit = line.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
