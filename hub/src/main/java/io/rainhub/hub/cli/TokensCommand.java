package io.rainhub.hub.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rainhub tokens [issue NAME | revoke ID|NAME]}: agent tokens (admin only). */
@Command(name = "tokens", mixinStandardHelpOptions = true,
    description = "List agent tokens; issue or revoke one.",
    subcommands = {TokensCommand.Issue.class, TokensCommand.Revoke.class})
public final class TokensCommand extends ApiCommand {

  @Override
  void run(HubApi api) {
    List<JsonObject> tokens = api.items("/v1.0/agent-tokens");
    if (json()) {
      printJson(new JsonArray(List.copyOf(tokens)));
      return;
    }
    Table table = new Table("ID", "NAME", "CREATED BY", "CREATED", "EXPIRES", "REVOKED");
    for (JsonObject token : tokens) {
      table.row(token.getString("id"), token.getString("name"), token.getString("createdBy"),
          token.getString("createdAt"), token.getString("expiresAt"), token.getString("revokedAt"));
    }
    table.print(out());
  }

  /**
   * Issues a token. In table mode the token goes alone to stdout (for {@code $(...)}) and what it is
   * to stderr; {@code -o json} prints the whole record, token included.
   */
  public static void issue(HubApi api, String name, int ttlDays, boolean json, PrintWriter out, PrintWriter err) {
    JsonObject record = api.post("/v1.0/agent-tokens", new JsonObject().put("name", name).put("ttlDays", ttlDays));
    if (json) {
      out.println(record.encodePrettily());
    } else {
      out.println(record.getString("token"));
      err.println("agent token " + record.getString("id") + " (" + name + "), valid until " + record.getString("expiresAt"));
    }
  }

  public static void revoke(HubApi api, String ref, boolean json, PrintWriter out) {
    String id = Names.agentToken(api, ref).getString("id");
    JsonObject record = api.delete("/v1.0/agent-tokens/" + HubApi.encode(id));
    out.println(json ? record.encodePrettily() : "revoked " + record.getString("id") + " at " + record.getString("revokedAt"));
  }

  @Command(name = "issue", mixinStandardHelpOptions = true,
      description = "Issue an agent token: prints the token alone on stdout (shown this once).")
  static final class Issue extends ApiCommand {

    @Parameters(paramLabel = "NAME", description = "Name of the token, e.g. the node it is for")
    String name;

    @Option(names = "--ttl-days", defaultValue = "365", description = "Validity in days (default: ${DEFAULT-VALUE})")
    int ttlDays;

    @Override
    void run(HubApi api) {
      issue(api, name, ttlDays, json(), out(), err());
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an agent token.")
  static final class Revoke extends ApiCommand {

    @Parameters(paramLabel = "TOKEN", description = "Token id, or the name of a token not yet revoked")
    String token;

    @Override
    void run(HubApi api) {
      revoke(api, token, json(), out());
    }
  }
}
