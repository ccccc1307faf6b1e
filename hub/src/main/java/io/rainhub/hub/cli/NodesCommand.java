package io.rainhub.hub.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code rainhub nodes}: rain servers, motherships and the other agent-managed nodes, in one table. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
    description = "List rain servers, motherships and generic agent nodes.")
final class NodesCommand extends ApiCommand {

  @Override
  void run(HubApi api) {
    List<JsonObject> rainServers = api.items("/rainservers/all");
    List<JsonObject> motherships = api.items("/mothership/all");
    List<JsonObject> generic = genericAgents(api);
    if (json()) {
      printJson(new JsonObject().put("rainservers", new JsonArray(List.copyOf(rainServers)))
          .put("motherships", new JsonArray(List.copyOf(motherships))).put("generic", new JsonArray(List.copyOf(generic))));
      return;
    }
    Table table = new Table("KIND", "NAME", "ID", "STATE", "ADDRESS", "CAPACITY", "RESERVED");
    for (JsonObject server : rainServers) {
      table.row("rainserver", server.getString("name"), server.getString("id"), Formats.state(server),
          server.getString("address"), "", "");
    }
    for (JsonObject mothership : motherships) {
      table.row("mothership", mothership.getString("name"), mothership.getString("id"), Formats.state(mothership),
          mothership.getString("address"), Formats.resources(mothership.getJsonObject("capacity")),
          Formats.resources(mothership.getJsonObject("reserved")));
    }
    for (JsonObject node : generic) {
      table.row("generic", node.getString("name"), node.getString("nodeId"), Formats.state(node),
          node.getString("address"), "", "");
    }
    table.print(out());
  }

  /**
   * Agent nodes that are neither mothership nor rain server (those are listed above). The agents
   * route is for admins only; a user sees the cloud API's nodes without them.
   */
  private static List<JsonObject> genericAgents(HubApi api) {
    try {
      return api.items("/v1.0/agents").stream().filter(node -> "generic".equals(node.getString("kind"))).toList();
    } catch (CliException e) {
      if (e.status() == 403) {
        return List.of();
      }
      throw e;
    }
  }
}
