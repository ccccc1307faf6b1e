package io.rainhub.hypervisor;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How the hypervisor knows a node is alive, in memory only (a heartbeat costs no write; a restarted
 * hub gives every node a full interval again): the TTL deadlines of REST registrations, and when
 * each agent-managed node was last heard from, with the metrics it last reported.
 */
final class Liveness {

  /** Agent-managed nodes that went silent: SUSPECT after two intervals, LOST after the TTL. */
  record Silent(List<String> suspect, List<String> lost) {
    boolean isEmpty() {
      return suspect.isEmpty() && lost.isEmpty();
    }
  }

  private final long heartbeatIntervalMillis;
  private final long ttlMillis;
  private final long reconnectMaxMillis;
  private final Map<String, Long> deadlines = new HashMap<>();
  private final Map<String, Long> lastHeard = new HashMap<>();
  /** Nodes given time to reconnect: their silence counts from then, not from when they were last heard. */
  private final Map<String, Long> silentFrom = new HashMap<>();
  private final Map<String, JsonObject> metrics = new HashMap<>();

  /** {@code reconnectMaxMillis}: the longest an agent waits between two reconnect attempts. */
  Liveness(long heartbeatIntervalMillis, long ttlMillis, long reconnectMaxMillis) {
    this.heartbeatIntervalMillis = heartbeatIntervalMillis;
    this.ttlMillis = ttlMillis;
    this.reconnectMaxMillis = reconnectMaxMillis;
  }

  long heartbeatIntervalMillis() {
    return heartbeatIntervalMillis;
  }

  long reconnectMaxMillis() {
    return reconnectMaxMillis;
  }

  long ttlMillis() {
    return ttlMillis;
  }

  // --- REST registrations with ttlSeconds

  void startTtl(String nodeId, Integer ttlSeconds, long nowMillis) {
    if (ttlSeconds != null) {
      deadlines.put(nodeId, nowMillis + ttlSeconds * 1000L);
    }
  }

  Long deadline(String nodeId) {
    return deadlines.get(nodeId);
  }

  /** Removes and returns the registrations whose TTL ran out. */
  List<String> expired(long nowMillis) {
    List<String> overdue = new ArrayList<>();
    deadlines.entrySet().removeIf(entry -> {
      boolean due = entry.getValue() <= nowMillis;
      if (due) {
        overdue.add(entry.getKey());
      }
      return due;
    });
    return overdue;
  }

  // --- agents

  /** The node's agent was heard from: a hello or a heartbeat. Its REST TTL no longer applies. */
  void heard(String nodeId, long nowMillis) {
    deadlines.remove(nodeId);
    silentFrom.remove(nodeId);
    lastHeard.put(nodeId, nowMillis);
  }

  /**
   * After a restart or takeover: the node's agent may be backing off from the hub that went away,
   * so it gets the longest reconnect wait before its silence starts to count (no SUSPECT before
   * that plus two intervals, no LOST before that plus the TTL).
   */
  void awaitReconnect(String nodeId, long nowMillis) {
    heard(nodeId, nowMillis);
    silentFrom.put(nodeId, nowMillis + reconnectMaxMillis);
  }

  void reported(String nodeId, JsonObject reportedMetrics) {
    metrics.put(nodeId, reportedMetrics);
  }

  Long lastHeard(String nodeId) {
    return lastHeard.get(nodeId);
  }

  JsonObject metrics(String nodeId) {
    return metrics.get(nodeId);
  }

  /**
   * The nodes silent for two intervals that are still {@code available} (to become SUSPECT), and
   * those silent for the TTL (LOST: no longer watched until their agent is heard from again).
   */
  Silent silent(long nowMillis, Predicate<String> available) {
    List<String> suspect = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    for (Map.Entry<String, Long> entry : lastHeard.entrySet()) {
      long silence = nowMillis - Math.max(entry.getValue(), silentFrom.getOrDefault(entry.getKey(), 0L));
      if (silence >= ttlMillis) {
        lost.add(entry.getKey());
      } else if (silence >= 2 * heartbeatIntervalMillis && available.test(entry.getKey())) {
        suspect.add(entry.getKey());
      }
    }
    lost.forEach(this::forget);
    return new Silent(suspect, lost);
  }

  /** The node is gone (unregistered or lost): nothing about it is kept. */
  void forget(String nodeId) {
    deadlines.remove(nodeId);
    silentFrom.remove(nodeId);
    lastHeard.remove(nodeId);
    metrics.remove(nodeId);
  }

  void clear() {
    deadlines.clear();
    silentFrom.clear();
    lastHeard.clear();
    metrics.clear();
  }
}
