package io.rainhub.hub.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rainhub deploy -f descriptor.json}: {@code POST /webcomponent/}. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
    description = "Deploy a web component version from its descriptor (JSON: id, version, urls, resources, ...).")
final class DeployCommand extends ApiCommand {

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true, description = "The descriptor")
  Path file;

  @Override
  void run(HubApi api) {
    JsonObject descriptor;
    try {
      descriptor = new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new CliException(CliException.UNREACHABLE, "cannot read " + file + ": " + e.getMessage());
    } catch (DecodeException e) {
      throw CliException.refused(file + " is not a JSON object: " + e.getMessage());
    }
    JsonObject deployed = api.post("/webcomponent/", descriptor);
    if (json()) {
      printJson(deployed);
    } else {
      out().println("deployed " + deployed.getString("id") + "@" + deployed.getString("version")
          + " (instantiate: rainhub instantiate " + deployed.getString("id") + " " + deployed.getString("version") + ")");
    }
  }
}
