package io.rainhub.hypervisor;

import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;

/**
 * Which rain servers are wired to which motherships, and which server each session is sent to. A
 * server is wired to every mothership hosting an instance that serves URLs the server renders;
 * each wire added or dropped is stored, announced and told to the server's agent.
 */
final class Wiring {

  private final CloudState state;
  private final NodeCommands commands;
  private final StickySessions sessions;
  private final TimeSource time;

  Wiring(CloudState state, NodeCommands commands, StickySessions sessions, TimeSource time) {
    this.state = state;
    this.commands = commands;
    this.sessions = sessions;
    this.time = time;
  }

  /** Wires every available server rendering the component's URLs to the given motherships. */
  void wireServersFor(WebComponent component, List<String> mothershipIds, Change change) {
    for (RainServer server : state.servers()) {
      if (!server.available() || !UrlPattern.anyOverlap(server.urls(), component.urls())) {
        continue;
      }
      for (String mothershipId : mothershipIds) {
        if (!state.wired(server.id(), mothershipId)) {
          wire(server.id(), mothershipId, change);
        }
      }
    }
  }

  /** Wires {@code server} to whatever it needs now (after registration, or when routed to after a reset). */
  void wireAsNeeded(RainServer server, Change change) {
    for (String mothershipId : state.neededWires(server)) {
      if (!state.wired(server.id(), mothershipId)) {
        wire(server.id(), mothershipId, change);
      }
    }
  }

  /** Unwires the servers wired to the mothership that no longer need it. */
  void unwireUnneeded(String mothershipId, Change change) {
    for (String serverId : state.serversWiredTo(mothershipId)) {
      RainServer server = state.server(serverId);
      if (server == null || !state.wireNeeded(server, mothershipId)) {
        unwire(serverId, mothershipId, change);
      }
    }
  }

  /** Unwires every server wired to the mothership (it went away), telling each to disconnect. */
  void unwireMothership(String mothershipId, Change change) {
    for (String serverId : List.copyOf(state.serversWiredTo(mothershipId))) {
      unwire(serverId, mothershipId, change);
    }
  }

  /** Unwires the server from everything, telling it to disconnect (it is being unregistered). */
  void unwireServer(String serverId, Change change) {
    for (String mothershipId : List.copyOf(state.wiresOf(serverId))) {
      unwire(serverId, mothershipId, change);
    }
  }

  /** Drops every wire of the server without telling it: it was reset, or cannot be reached. */
  void dropWiresOf(String serverId, Change change) {
    for (String mothershipId : List.copyOf(state.wiresOf(serverId))) {
      dropWire(serverId, mothershipId, change);
    }
  }

  /**
   * The rain server for a request of {@code session} to {@code url}: the one the session was sent to
   * while it still renders the URL, else the least loaded that does. A server that was reset is
   * re-wired when it is next needed: now.
   */
  Decision route(JsonObject body) {
    String url = body.getString("url");
    String session = body.getString("session");
    long nowMillis = time.millis();
    String previous = sessions.serverOf(session, nowMillis);
    RainServer pinned = previous == null ? null : state.server(previous);
    boolean stillGood = pinned != null && pinned.available() && pinned.urls().stream().anyMatch(p -> p.matches(url));
    RainServer chosen = stillGood ? pinned : leastLoaded(url);
    if (chosen == null) {
      throw Refusal.of(404, "No available rain server renders " + url + ".", "url");
    }
    sessions.assign(session, chosen.id(), nowMillis);
    JsonObject answer = new JsonObject().put("url", url).put("session", session)
        .put("rainServer", new JsonObject().put("id", chosen.id()).put("name", chosen.name())
            .put("address", chosen.address()))
        .put("sticky", stillGood).put("moved", previous != null && !stillGood);
    if (previous != null && !stillGood) {
      answer.put("previousRainServerId", previous);
    }
    Change change = new Change();
    wireAsNeeded(chosen, change);
    return Decision.of(change, () -> answer);
  }

  private RainServer leastLoaded(String url) {
    return state.servers().stream()
        .filter(s -> s.available() && s.urls().stream().anyMatch(p -> p.matches(url)))
        .min(Comparator.comparingInt((RainServer s) -> sessions.load(s.id())).thenComparing(RainServer::id))
        .orElse(null);
  }

  private void wire(String serverId, String mothershipId, Change change) {
    state.wire(serverId, mothershipId);
    change.sql(CloudSql.INSERT_WIRE, "serverId", serverId, "mothershipId", mothershipId)
        .event("wiring.added", "rainserver/" + serverId,
            new JsonObject().put("rainServerId", serverId).put("mothershipId", mothershipId));
    commands.command(serverId, "connect", wireArgs(mothershipId), change);
  }

  private void unwire(String serverId, String mothershipId, Change change) {
    dropWire(serverId, mothershipId, change);
    commands.command(serverId, "disconnect", wireArgs(mothershipId), change);
  }

  private JsonObject wireArgs(String mothershipId) {
    Mothership mothership = state.mothership(mothershipId);
    return new JsonObject().put("mothershipId", mothershipId)
        .put("address", mothership == null ? null : mothership.address());
  }

  private void dropWire(String serverId, String mothershipId, Change change) {
    state.unwire(serverId, mothershipId);
    change.sql(CloudSql.DELETE_WIRE, "serverId", serverId, "mothershipId", mothershipId)
        .event("wiring.removed", "rainserver/" + serverId,
            new JsonObject().put("rainServerId", serverId).put("mothershipId", mothershipId));
  }
}
