package io.rainhub.hub.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code rainhub stop INSTANCE}: {@code DELETE /webcomponent/{instanceId}}. */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop an instance.")
final class StopCommand extends ApiCommand {

  @Parameters(paramLabel = "INSTANCE", description = "Instance id, or COMPONENT@VERSION when it has one instance")
  String instance;

  @Override
  void run(HubApi api) {
    String id = Names.instance(api, instance);
    JsonObject stopped = api.delete("/webcomponent/" + HubApi.encode(id));
    if (json()) {
      printJson(stopped);
    } else {
      out().println(id + " " + stopped.getString("state"));
    }
  }
}
