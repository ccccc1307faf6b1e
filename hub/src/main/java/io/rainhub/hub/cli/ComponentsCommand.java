package io.rainhub.hub.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code rainhub components}: the deployed web component versions. */
@Command(name = "components", mixinStandardHelpOptions = true, description = "List deployed web component versions.")
final class ComponentsCommand extends ApiCommand {

  private static final int PAGE = 1000;

  @Override
  void run(HubApi api) {
    List<JsonObject> components = all(api);
    if (json()) {
      printJson(new JsonArray(List.copyOf(components)));
      return;
    }
    Table table = new Table("ID", "VERSION", "INSTANCES", "REPLICAS", "RESOURCES", "URLS");
    for (JsonObject component : components) {
      table.row(component.getString("id"), component.getString("version"), component.getValue("instanceCount"),
          component.getValue("replicas"), Formats.resources(component.getJsonObject("resources")),
          String.join(",", component.getJsonArray("urls", new JsonArray()).stream().map(String::valueOf).toList()));
    }
    table.print(out());
  }

  /** Every deployed version, page after page. */
  static List<JsonObject> all(HubApi api) {
    List<JsonObject> components = new ArrayList<>();
    while (true) {
      JsonObject page = api.get("/webcomponent/all?start=" + components.size() + "&range=" + PAGE);
      List<JsonObject> items = HubApi.objects(page.getJsonArray("items", new JsonArray()));
      components.addAll(items);
      if (items.isEmpty() || components.size() >= page.getInteger("total", 0)) {
        return components;
      }
    }
  }
}
