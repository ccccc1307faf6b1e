package io.rainhub.hub.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rainhub component scale}: a topology's component, by its id or TOPOLOGY/COMPONENT. */
@Command(name = "component", mixinStandardHelpOptions = true,
    description = "Act on one component of a topology.", subcommands = ComponentCommand.Scale.class)
final class ComponentCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: scale");
  }

  @Command(name = "scale", mixinStandardHelpOptions = true,
      description = {"Bring a component to N nodes: flex up (POST /v1.0/components/{id}), or remove the newest nodes"
          + " beyond N (DELETE /v1.0/nodes/{id}, one job each).",
          "--follow follows each job in turn and stops at the first that fails (exit 1)."})
  static final class Scale extends ApiCommand {

    @Parameters(paramLabel = "COMPONENT", description = "Component id, or TOPOLOGY/COMPONENT (names or ids)")
    String component;

    @Option(names = "--count", paramLabel = "N", required = true, description = "How many nodes it should have")
    int count;

    @Option(names = "--role", paramLabel = "ROLE", description = "Count, add and remove only nodes of this role")
    String role;

    @Option(names = "--follow", description = "Follow the jobs to their end")
    boolean follow;

    @Mixin
    ProgressOption progress;

    @Override
    void run(HubApi api) {
      Topologies.Found found = Topologies.component(api, component);
      JsonObject c = found.component();
      String name = found.topology().getString("name") + "/" + c.getString("name") + (role == null ? "" : " (" + role + ")");
      ScalePlan plan = ScalePlan.of(Topologies.nodes(c), count, role);
      if (plan.nothingToDo()) {
        say(new JsonObject().put("nodes", plan.current()), name + " already has " + plan.current() + " nodes");
        return;
      }
      if (plan.add() > 0) {
        JsonObject body = new JsonObject().put("count", plan.add());
        if (role != null) {
          body.put("role", role);
        }
        JsonObject answer = api.post("/v1.0/components/" + HubApi.encode(c.getString("id")), body);
        say(answer, name + ": " + plan.current() + " -> " + count + " nodes, flex-up job " + answer.getString("jobId")
            + " (new nodes " + String.join(", ", answer.getJsonArray("nodes", new JsonArray()).stream()
                .map(String::valueOf).toList()) + ")");
        if (follow) {
          progress.follow(this, api, answer.getString("jobId"));
        }
        return;
      }
      // One job per node, the newest first, each waited for (the hub runs one job per topology at a
      // time), so a failure stops before the next removal.
      List<JsonObject> remove = plan.remove();
      for (int i = 0; i < remove.size(); i++) {
        JsonObject node = remove.get(i);
        JsonObject answer = api.delete("/v1.0/nodes/" + HubApi.encode(node.getString("id")));
        say(answer.copy().put("nodeId", node.getString("id")), name + ": removing " + node.getString("name")
            + ", flex-down job " + answer.getString("jobId"));
        if (follow) {
          progress.follow(this, api, answer.getString("jobId"));
        } else if (i + 1 < remove.size()) {
          awaitQuietly(api, answer.getString("jobId"));
        }
      }
    }

    private static void awaitQuietly(HubApi api, String jobId) {
      JsonObject job;
      do {
        job = api.get("/v1.0/jobs/" + HubApi.encode(jobId) + "?wait=30s");
      } while (List.of("PENDING", "RUNNING").contains(job.getString("state")));
      if (!"SUCCEEDED".equals(job.getString("state"))) {
        throw new CliException(CliException.REFUSED, "flex-down job " + jobId + " " + job.getString("state")
            .toLowerCase(java.util.Locale.ROOT) + "; the remaining nodes were kept (rainhub job get " + jobId + ")");
      }
    }

    private void say(JsonObject json, String line) {
      out().println(json() ? json.encode() : line);
      out().flush();
    }
  }
}
