package io.rainhub.hub.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rainhub topology create|list|get|delete}: whole applications (docs/workflows.md). */
@Command(name = "topology", mixinStandardHelpOptions = true,
    description = "Create, list, show and delete topologies (applications of components on nodes).",
    subcommands = {TopologyCommand.Create.class, TopologyCommand.ListTopologies.class, TopologyCommand.Get.class,
        TopologyCommand.Delete.class})
final class TopologyCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "give a subcommand: create, list, get or delete");
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Create a topology from its document (POST /v1.0/topologies): prints its id and the job's.",
          "--follow shows the job's progress and exits 0 when it succeeded, 1 when it failed or was cancelled."})
  static final class Create extends ApiCommand {

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true, description = "The topology document (JSON)")
    Path file;

    @Option(names = "--follow", description = "Follow the creation job to its end")
    boolean follow;

    @Mixin
    ProgressOption progress;

    @Override
    void run(HubApi api) {
      JsonObject created = api.post("/v1.0/topologies", read(file));
      String jobId = created.getString("jobId");
      if (json()) {
        out().println(follow ? created.encode() : created.encodePrettily());
      } else {
        JsonObject topology = created.getJsonObject("topology", new JsonObject());
        out().println("topology " + created.getString("id") + " (" + topology.getString("name", "?") + "), job " + jobId
            + (follow ? "" : " (rainhub job follow " + jobId + ")"));
      }
      out().flush();
      if (follow) {
        progress.follow(this, api, jobId);
      }
    }

    private static JsonObject read(Path file) {
      try {
        return new JsonObject(Files.readString(file));
      } catch (IOException e) {
        throw new CliException(CliException.UNREACHABLE, "cannot read " + file + ": " + e.getMessage());
      } catch (DecodeException e) {
        throw CliException.refused(file + " is not a JSON object: " + e.getMessage());
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List topologies.")
  static final class ListTopologies extends ApiCommand {

    @Override
    void run(HubApi api) {
      List<JsonObject> topologies = Topologies.all(api);
      if (json()) {
        printJson(new JsonArray(List.copyOf(topologies)));
        return;
      }
      Table table = new Table("ID", "NAME", "ZONE", "TARGET", "STATE", "NODES");
      for (JsonObject t : topologies) {
        table.row(t.getString("id"), t.getString("name"), t.getString("availability_zone"), t.getString("target"),
            t.getString("state"), Formats.number(t.getValue("nodes")));
      }
      table.print(out());
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "Show a topology: its components and their nodes (name, state, exports).")
  static final class Get extends ApiCommand {

    @Parameters(paramLabel = "TOPOLOGY", description = "Topology id or name")
    String topology;

    @Override
    void run(HubApi api) {
      JsonObject t = Topologies.get(api, topology);
      if (json()) {
        printJson(t);
        return;
      }
      out().println(t.getString("name") + " (" + t.getString("id") + ")  zone " + t.getString("availability_zone")
          + "  target " + t.getString("target") + "  " + t.getString("state")
          + (t.getString("lastJobId") == null ? "" : "  last job " + t.getString("lastJobId")));
      Table table = new Table("COMPONENT", "TYPE", "NODE", "ROLE", "STATE", "EXPORTS");
      for (JsonObject c : Topologies.components(t)) {
        String type = c.getString("type") + "@" + c.getString("version");
        List<JsonObject> nodes = Topologies.nodes(c);
        if (nodes.isEmpty()) {
          table.row(c.getString("name"), type, "", "", "no nodes", "");
        }
        for (JsonObject n : nodes) {
          table.row(c.getString("name"), type, n.getString("name"), n.getString("role"), n.getString("state"),
              exports(n.getJsonObject("exports")));
        }
      }
      table.print(out());
    }

    /** {@code ip=10.0.0.5 port=8080}, in the order the hub gave them. */
    static String exports(JsonObject exports) {
      if (exports == null) {
        return "";
      }
      return exports.stream().map((Map.Entry<String, Object> e) -> e.getKey() + "=" + (e.getValue() == null ? "" : e.getValue()))
          .collect(Collectors.joining(" "));
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = {"Delete a topology (DELETE /v1.0/topologies/{id}): its nodes stop, undeploy and leave.",
          "--follow shows the job's progress and exits 0 when it succeeded, 1 when it failed or was cancelled."})
  static final class Delete extends ApiCommand {

    @Parameters(paramLabel = "TOPOLOGY", description = "Topology id or name")
    String topology;

    @Option(names = "--follow", description = "Follow the deletion job to its end")
    boolean follow;

    @Mixin
    ProgressOption progress;

    @Override
    void run(HubApi api) {
      String id = Topologies.id(api, topology);
      JsonObject deleting = api.delete("/v1.0/topologies/" + HubApi.encode(id));
      String jobId = deleting.getString("jobId");
      if (json()) {
        out().println(follow ? deleting.encode() : deleting.encodePrettily());
      } else {
        out().println("deleting topology " + id + ", job " + jobId + (follow ? "" : " (rainhub job follow " + jobId + ")"));
      }
      out().flush();
      if (follow) {
        progress.follow(this, api, jobId);
      }
    }
  }
}
