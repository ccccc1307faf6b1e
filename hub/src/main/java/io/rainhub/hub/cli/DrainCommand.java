package io.rainhub.hub.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rainhub drain MOTHERSHIP [--undo]}: {@code PUT /v1.0/motherships/{id}/drain}. */
@Command(name = "drain", mixinStandardHelpOptions = true,
    description = "Drain a mothership (no new placements), or take it back into service with --undo.")
final class DrainCommand extends ApiCommand {

  @Parameters(paramLabel = "MOTHERSHIP", description = "Mothership name or id")
  String mothership;

  @Option(names = "--undo", description = "Take it back into service")
  boolean undo;

  @Override
  void run(HubApi api) {
    String id = Names.mothership(api, mothership).getString("id");
    JsonObject drained = api.put("/v1.0/motherships/" + HubApi.encode(id) + "/drain",
        new JsonObject().put("draining", !undo));
    if (json()) {
      printJson(drained);
    } else {
      out().println(drained.getString("name") + " (" + id + ") " + (drained.getBoolean("draining") ? "draining" : "in service"));
    }
  }
}
