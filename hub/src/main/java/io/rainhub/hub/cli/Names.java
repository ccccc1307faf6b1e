package io.rainhub.hub.cli;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Names accepted wherever an id is: a reference is matched against the ids first, then the
 * names, of the list route for its kind. An unknown or ambiguous name is a {@link CliException}.
 */
final class Names {

  private Names() {
  }

  static JsonObject mothership(HubApi api, String ref) {
    return pick("mothership", ref, api.items("/mothership/all"), "id");
  }

  static JsonObject rainServer(HubApi api, String ref) {
    return pick("rain server", ref, api.items("/rainservers/all"), "id");
  }

  /** An agent token by id, or by the name of a token that is not revoked. */
  static JsonObject agentToken(HubApi api, String ref) {
    List<JsonObject> tokens = api.items("/v1.0/agent-tokens");
    for (JsonObject token : tokens) {
      if (ref.equals(token.getString("id"))) {
        return token;
      }
    }
    return pick("agent token", ref, tokens.stream().filter(t -> t.getString("revokedAt") == null).toList(), "id");
  }

  /** An instance id, or {@code component@version} when exactly one instance of it exists. */
  static String instance(HubApi api, String ref) {
    int at = ref.indexOf('@');
    if (at < 0) {
      return ref;
    }
    String component = ref.substring(0, at);
    String version = ref.substring(at + 1);
    List<JsonObject> instances = HubApi.objects(api.get("/webcomponent/" + HubApi.encode(component) + "/"
        + HubApi.encode(version)).getJsonArray("instances"));
    if (instances.isEmpty()) {
      throw CliException.refused(ref + " has no instance");
    }
    if (instances.size() > 1) {
      throw CliException.refused(ref + " has " + instances.size() + " instances ("
          + instances.stream().map(i -> i.getString("instanceId")).collect(Collectors.joining(", "))
          + "); give the instance id");
    }
    return instances.get(0).getString("instanceId");
  }

  /** The item whose {@code idKey} is {@code ref}, else the one item named {@code ref}. */
  static JsonObject pick(String kind, String ref, List<JsonObject> items, String idKey) {
    for (JsonObject item : items) {
      if (ref.equals(item.getString(idKey))) {
        return item;
      }
    }
    List<JsonObject> named = items.stream().filter(item -> ref.equals(item.getString("name"))).toList();
    if (named.isEmpty()) {
      throw CliException.refused("no " + kind + " named or with id '" + ref + "'");
    }
    if (named.size() > 1) {
      throw CliException.refused(named.size() + " " + kind + "s are named '" + ref + "' ("
          + named.stream().map(item -> item.getString(idKey)).collect(Collectors.joining(", "))
          + "); give the id");
    }
    return named.get(0);
  }
}
