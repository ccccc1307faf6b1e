package io.rainhub.hub.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What every command that talks to a hub shares: {@code --hub}, {@code --token} and
 * {@code --profile} (the profile {@code rainhub login} wrote fills in what is not given), and
 * {@code -o table|json}.
 */
abstract class ApiCommand implements Callable<Integer> {

  enum Output { table, json }

  @Option(names = "--hub", paramLabel = "URL", description = "Hub base URL (default: the profile's)")
  String hub;

  @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer token (default: the profile's)")
  String token;

  @Option(names = "--profile", paramLabel = "NAME", defaultValue = Profile.DEFAULT,
      description = "Profile written by rainhub login (default: ${DEFAULT-VALUE})")
  String profile;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table or json (the API's JSON) (default: ${DEFAULT-VALUE})")
  Output output;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public final Integer call() {
    run(api());
    out().flush();
    err().flush();
    return 0;
  }

  /** Does the command's work; failures are thrown as {@link CliException}. */
  abstract void run(HubApi api);

  HubApi api() {
    if (hub != null && token != null) {
      return new HubApi(hub, token);
    }
    Profile saved = Profile.load(profile);
    if (saved == null) {
      throw new CliException(CliException.UNREACHABLE, "not logged in (no profile '" + profile + "' in "
          + Profile.file() + "); run rainhub login --hub URL, or give --hub and --token");
    }
    if (token == null && saved.expired(Instant.now())) {
      throw CliException.refused("the login of profile '" + profile + "' (" + saved.username() + " at "
          + saved.hub() + ") expired at " + saved.expiresAt() + "; run rainhub login");
    }
    return new HubApi(hub != null ? hub : saved.hub(), token != null ? token : saved.token());
  }

  boolean json() {
    return output == Output.json;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void printJson(Object json) {
    out().println(json instanceof JsonObject object ? object.encodePrettily()
        : json instanceof io.vertx.core.json.JsonArray array ? array.encodePrettily() : String.valueOf(json));
  }
}
