package io.rainhub.hub.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rainhub instances}: every instance of every deployed component, or of one. */
@Command(name = "instances", mixinStandardHelpOptions = true,
    description = "List web component instances and where they are placed.")
final class InstancesCommand extends ApiCommand {

  @Option(names = "--component", paramLabel = "ID[@VERSION]", description = "Only this component (all its versions, or one)")
  String component;

  @Override
  void run(HubApi api) {
    List<JsonObject> instances = new ArrayList<>();
    // The API lists instances per component version (GET /webcomponent/{id}/{version}), which also
    // shows the UNPLACED ones a per-mothership listing would miss.
    for (JsonObject version : ComponentsCommand.all(api)) {
      if (selected(version) && version.getInteger("instanceCount", 1) > 0) {
        instances.addAll(HubApi.objects(api.get("/webcomponent/" + HubApi.encode(version.getString("id")) + "/"
            + HubApi.encode(version.getString("version"))).getJsonArray("instances", new JsonArray())));
      }
    }
    if (json()) {
      printJson(new JsonArray(List.copyOf(instances)));
      return;
    }
    Map<String, String> names = new HashMap<>();
    if (!instances.isEmpty()) {
      for (JsonObject mothership : api.items("/mothership/all")) {
        names.put(mothership.getString("id"), mothership.getString("name"));
      }
    }
    Table table = new Table("ID", "COMPONENT", "VERSION", "STATE", "PRIMARY", "REPLICAS", "CREATED");
    for (JsonObject instance : instances) {
      String primary = "";
      List<String> replicas = new ArrayList<>();
      for (JsonObject placement : HubApi.objects(instance.getJsonArray("placements", new JsonArray()))) {
        String name = names.getOrDefault(placement.getString("mothershipId"), placement.getString("mothershipId"));
        if ("primary".equals(placement.getString("role"))) {
          primary = name;
        } else {
          replicas.add(name);
        }
      }
      table.row(instance.getString("instanceId"), instance.getString("componentId"), instance.getString("version"),
          instance.getString("state"), primary, String.join(",", replicas), instance.getString("createdAt"));
    }
    table.print(out());
  }

  private boolean selected(JsonObject version) {
    if (component == null) {
      return true;
    }
    int at = component.indexOf('@');
    return at < 0 ? component.equals(version.getString("id"))
        : component.substring(0, at).equals(version.getString("id"))
            && component.substring(at + 1).equals(version.getString("version"));
  }
}
