package io.rainhub.hypervisor;

/**
 * State of a rain server, mothership or generic node. AVAILABLE nodes take work. A node whose agent
 * misses heartbeats is SUSPECT (keeps what it holds, takes nothing new), then LOST (what it held is
 * released and rescheduled). EXPIRED: a REST registration that missed its TTL.
 */
public enum NodeState {
  AVAILABLE, SUSPECT, LOST, EXPIRED
}
