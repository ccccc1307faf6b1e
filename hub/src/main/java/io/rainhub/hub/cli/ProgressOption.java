package io.rainhub.hub.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * {@code --progress auto|ansi|plain} of every command that follows a job, and the follow itself:
 * the live picture while it runs, then how it ended (exit 1 with the error when it did not succeed).
 */
final class ProgressOption {

  enum Mode { auto, ansi, plain }

  private static final int DEFAULT_COLUMNS = 100;

  @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
      description = "How a followed job's progress is shown: ansi (redrawn in place), plain (one line per change),"
          + " or auto: ansi on a terminal, plain when piped (default: ${DEFAULT-VALUE})")
  Mode mode = Mode.auto;

  /** Follows the job to its end; with {@code -o json}, each changed answer as one line of JSON. */
  void follow(ApiCommand command, HubApi api, String jobId) {
    PrintWriter out = command.out();
    JobFollower follower = JobFollower.over(api, warning -> {
      command.err().println("rainhub: " + warning);
      command.err().flush();
    });
    JsonObject job;
    if (command.json()) {
      String[] last = {null};
      job = follower.follow(jobId, answer -> {
        String line = answer.encode();
        if (!line.equals(last[0])) {
          last[0] = line;
          out.println(line);
          out.flush();
        }
      });
    } else {
      JobProgress progress = new JobProgress(inPlace(), columns());
      job = follower.follow(jobId, answer -> {
        out.print(progress.render(answer));
        out.flush();
      });
      if (JobWords.SUCCEEDED.equals(job.getString("state"))) {
        out.println(JobWords.outcome(job));
      }
    }
    JobFollower.outcome(job);
  }

  private boolean inPlace() {
    if (mode != Mode.auto) {
      return mode == Mode.ansi;
    }
    String term = System.getenv("TERM");
    return System.console() != null && term != null && !term.isBlank() && !"dumb".equals(term);
  }

  private static int columns() {
    try {
      return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "" + DEFAULT_COLUMNS).trim());
    } catch (NumberFormatException e) {
      return DEFAULT_COLUMNS;
    }
  }
}
