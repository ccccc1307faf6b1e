package io.rainhub.hypervisor;

/**
 * Registration state of a rain server or mothership. AVAILABLE nodes take work; EXPIRED ones missed
 * their TTL and hold nothing until registered again.
 */
public enum NodeState {
  AVAILABLE, EXPIRED
}
