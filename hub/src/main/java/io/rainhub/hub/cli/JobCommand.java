package io.rainhub.hub.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rainhub job get|follow|cancel|list}: the jobs that deploy, scale and delete topologies. */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Show, follow, cancel and list jobs.",
    subcommands = {JobCommand.Get.class, JobCommand.Follow.class, JobCommand.Cancel.class, JobCommand.ListJobs.class})
final class JobCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: get, follow, cancel or list");
  }

  static String path(String id) {
    return "/v1.0/jobs/" + HubApi.encode(id);
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "Show a job: its state, progress, each stage and, when it failed, why.")
  static final class Get extends ApiCommand {

    @Parameters(paramLabel = "JOB", description = "Job id")
    String job;

    @Override
    void run(HubApi api) {
      JsonObject j = api.get(path(job));
      if (json()) {
        printJson(j);
        return;
      }
      JsonObject progress = j.getJsonObject("progress");
      out().println("job " + j.getString("id") + " (" + j.getString("kind") + ") of topology " + j.getString("topologyId")
          + ": " + JobWords.state(j.getString("state")) + ", " + JobWords.counter(progress) + " tasks "
          + JobWords.bar(progress));
      out().println("created " + j.getString("createdAt", "-") + ", started " + j.getString("startedAt", "-")
          + ", ended " + j.getString("endedAt", "-"));
      if (j.getJsonObject("error") != null) {
        out().println("error: " + JobWords.error(j));
      }
      for (String line : JobProgress.snapshot(j)) {
        out().println(line);
      }
    }
  }

  @Command(name = "follow", mixinStandardHelpOptions = true,
      description = {"Show a job's progress live until it ends.",
          "Exit 0 when it succeeded, 1 when it failed or was cancelled (with the error), 2 when the hub cannot be reached."})
  static final class Follow extends ApiCommand {

    @Parameters(paramLabel = "JOB", description = "Job id")
    String job;

    @Mixin
    ProgressOption progress;

    @Override
    void run(HubApi api) {
      progress.follow(this, api, job);
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Cancel a job: running scripts finish, nothing new starts.")
  static final class Cancel extends ApiCommand {

    @Parameters(paramLabel = "JOB", description = "Job id")
    String job;

    @Override
    void run(HubApi api) {
      JsonObject j = api.delete(path(job));
      if (json()) {
        printJson(j);
      } else {
        out().println("job " + j.getString("id", job) + " " + JobWords.state(j.getString("state")) + " at "
            + JobWords.counter(j.getJsonObject("progress")) + " tasks");
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List jobs (GET /v1.0/jobs), in the order the hub gives.")
  static final class ListJobs extends ApiCommand {

    @Option(names = "--topology", paramLabel = "TOPOLOGY", description = "Only this topology's (id or name)")
    String topology;

    @Override
    void run(HubApi api) {
      String query = topology == null ? "?" : "?topology=" + HubApi.encode(topologyId(api)) + "&";
      List<JsonObject> jobs = Topologies.pages(api, "/v1.0/jobs" + query);
      if (json()) {
        printJson(new JsonArray(List.copyOf(jobs)));
        return;
      }
      Table table = new Table("ID", "KIND", "TOPOLOGY", "STATE", "PROGRESS", "CREATED", "ENDED");
      for (JsonObject j : jobs) {
        table.row(j.getString("id"), j.getString("kind"), j.getString("topologyId"), JobWords.state(j.getString("state")),
            JobWords.counter(j.getJsonObject("progress")), j.getString("createdAt"), j.getString("endedAt"));
      }
      table.print(out());
    }

    /** A deleted topology's jobs remain, and it is no longer listed: an unknown reference is taken as its id. */
    private String topologyId(HubApi api) {
      List<JsonObject> topologies = Topologies.all(api);
      boolean known = topologies.stream().anyMatch(t -> topology.equals(t.getString("id")) || topology.equals(t.getString("name")));
      return known ? Names.pick("topology", topology, topologies, "id").getString("id") : topology;
    }
  }
}
