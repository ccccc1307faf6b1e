package io.rainhub.hub.cli;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rainhub login}: logs in with {@code POST /auth/login} and keeps hub and token in a profile. */
@Command(name = "login", mixinStandardHelpOptions = true,
    description = {"Log in to a hub and keep its URL and token in a profile.",
        "The profile file is $RAINHUB_PROFILE or ~/.config/rainhub/profile.json (mode 600). The password:",
        "--password-stdin; for admin, RAINHUB_ADMIN_PASSWORD or --password-file; else a prompt."})
public final class LoginCommand implements Callable<Integer> {

  @Option(names = "--hub", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
      description = "Hub base URL (default: ${DEFAULT-VALUE})")
  String hub;

  @Option(names = {"--username", "-u"}, defaultValue = Passwords.ADMIN, description = "User (default: ${DEFAULT-VALUE})")
  String username;

  @Option(names = "--password-stdin", description = "Read the password from the first line of stdin")
  boolean passwordStdin;

  @Option(names = "--password-file", paramLabel = "FILE", defaultValue = Passwords.DEFAULT_FILE,
      description = "For admin: file with the password, when RAINHUB_ADMIN_PASSWORD is not set (default: ${DEFAULT-VALUE})")
  Path passwordFile;

  @Option(names = "--profile", paramLabel = "NAME", defaultValue = Profile.DEFAULT,
      description = "Name of the profile to write (default: ${DEFAULT-VALUE})")
  String profile;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    String password = Passwords.resolve(username, passwordStdin, passwordFile);
    JsonObject login = HubApi.login(hub, username, password);
    Profile saved = new Profile(new HubApi(hub, null).hub(), login.getString("token"), username,
        login.getString("expiresAt"));
    Path file = Profile.save(profile, saved);
    spec.commandLine().getOut().println("logged in to " + saved.hub() + " as " + username + " until "
        + saved.expiresAt() + " (profile " + profile + " in " + file + ")");
    spec.commandLine().getOut().flush();
    return 0;
  }
}
