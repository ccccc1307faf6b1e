package io.rainhub.hub.cli;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code rainhub instantiate COMPONENT [VERSION]}: {@code POST /webcomponent/{id}/{version}}. */
@Command(name = "instantiate", mixinStandardHelpOptions = true,
    description = "Start an instance of a deployed component version (VERSION may be left out when only one is deployed).")
final class InstantiateCommand extends ApiCommand {

  @Parameters(index = "0", paramLabel = "COMPONENT", description = "Component id, or ID@VERSION")
  String component;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VERSION")
  String version;

  @Override
  void run(HubApi api) {
    String id = component;
    String chosen = version;
    int at = component.indexOf('@');
    if (at >= 0 && chosen == null) {
      id = component.substring(0, at);
      chosen = component.substring(at + 1);
    }
    if (chosen == null) {
      chosen = onlyVersion(api, id);
    }
    JsonObject instance = api.post("/webcomponent/" + HubApi.encode(id) + "/" + HubApi.encode(chosen), new JsonObject());
    if (json()) {
      printJson(instance);
      return;
    }
    out().println(instance.getString("instanceId") + " " + id + "@" + chosen + " " + instance.getString("state")
        + " on " + HubApi.objects(instance.getJsonArray("placements")).stream()
            .map(p -> p.getString("mothershipId") + " (" + p.getString("role") + ")").collect(Collectors.joining(", ")));
  }

  private static String onlyVersion(HubApi api, String id) {
    List<String> versions = ComponentsCommand.all(api).stream().filter(c -> id.equals(c.getString("id")))
        .map(c -> c.getString("version")).toList();
    if (versions.isEmpty()) {
      throw CliException.refused("no web component '" + id + "' is deployed");
    }
    if (versions.size() > 1) {
      throw CliException.refused(id + " has " + versions.size() + " versions deployed (" + String.join(", ", versions)
          + "); give the version");
    }
    return versions.get(0);
  }
}
