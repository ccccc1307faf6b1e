package io.rainhub.hypervisor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which rain server each session was sent to, so later requests of the session go to the same one.
 * Hot state only: bounded, least recently used sessions forgotten first, idle ones after a while.
 * A hub restart forgets them all and sessions are placed afresh (and told they moved only when their
 * server actually changed, which the client cannot tell apart from a fresh start anyway).
 */
final class StickySessions {

  private record Entry(String serverId, long lastUsedMillis) {
  }

  private final int maxSessions;
  private final long idleMillis;
  private final Map<String, Integer> sessionsPerServer = new HashMap<>();
  private final LinkedHashMap<String, Entry> sessions = new LinkedHashMap<>(1024, 0.75f, true);

  StickySessions(int maxSessions, long idleMillis) {
    this.maxSessions = maxSessions;
    this.idleMillis = idleMillis;
  }

  /** The server this session was last sent to, or null (also when it sat idle too long). */
  String serverOf(String session, long nowMillis) {
    Entry entry = sessions.get(session);
    if (entry == null) {
      return null;
    }
    if (nowMillis - entry.lastUsedMillis() > idleMillis) {
      forget(session);
      return null;
    }
    return entry.serverId();
  }

  void assign(String session, String serverId, long nowMillis) {
    Entry previous = sessions.put(session, new Entry(serverId, nowMillis));
    if (previous != null) {
      sessionsPerServer.merge(previous.serverId(), -1, Integer::sum);
    }
    sessionsPerServer.merge(serverId, 1, Integer::sum);
    while (sessions.size() > maxSessions) {
      forget(sessions.keySet().iterator().next());
    }
  }

  /** Sessions currently pinned to the server: the load that least-loaded routing compares. */
  int load(String serverId) {
    return sessionsPerServer.getOrDefault(serverId, 0);
  }

  private void forget(String session) {
    Entry removed = sessions.remove(session);
    if (removed != null) {
      sessionsPerServer.merge(removed.serverId(), -1, Integer::sum);
    }
  }
}
