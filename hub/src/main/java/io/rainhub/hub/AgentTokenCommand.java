package io.rainhub.hub;

import io.rainhub.hub.cli.CliException;
import io.rainhub.hub.cli.HubApi;
import io.rainhub.hub.cli.Passwords;
import io.rainhub.hub.cli.TokensCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rainhub agent-token}: {@code rainhub tokens issue|revoke} for scripts that provision
 * agents right after {@code rainhub serve}: it logs in as admin with the password itself
 * ({@code RAINHUB_ADMIN_PASSWORD} or {@code data/admin-password.txt}) instead of using a profile.
 */
@Command(name = "agent-token", mixinStandardHelpOptions = true,
    description = {"Issue (or --revoke) an agent token, logging in with the admin password.",
        "Prints the token on stdout. Uses the admin password, not a profile (see also: rainhub tokens)."})
final class AgentTokenCommand implements Callable<Integer> {

  @Option(names = "--hub", defaultValue = "http://127.0.0.1:8080", description = "Hub base URL (default: ${DEFAULT-VALUE})")
  String hub;

  @Option(names = "--name", description = "Name of the token, e.g. the node it is for")
  String name;

  @Option(names = "--ttl-days", defaultValue = "365", description = "Validity in days (default: ${DEFAULT-VALUE})")
  int ttlDays;

  @Option(names = "--revoke", paramLabel = "ID", description = "Revoke the token with this id instead")
  String revoke;

  @Option(names = "--user", defaultValue = Passwords.ADMIN, description = "Admin user (default: ${DEFAULT-VALUE})")
  String user;

  @Option(names = "--password-file", defaultValue = Passwords.DEFAULT_FILE,
      description = "File holding the admin password; RAINHUB_ADMIN_PASSWORD wins when set (default: ${DEFAULT-VALUE})")
  Path passwordFile;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if ((name == null) == (revoke == null)) {
      throw new CliException(CliException.UNREACHABLE, "agent-token: give either --name (issue) or --revoke ID");
    }
    String password = Passwords.resolve(user, false, passwordFile);
    HubApi api = new HubApi(hub, HubApi.login(hub, user, password).getString("token"));
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (revoke != null) {
      TokensCommand.revoke(api, revoke, false, out);
    } else {
      TokensCommand.issue(api, name, ttlDays, false, out, err);
    }
    out.flush();
    err.flush();
    return 0;
  }
}
