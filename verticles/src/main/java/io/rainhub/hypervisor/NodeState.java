package io.rainhub.hypervisor;

/**
 * State of a rain server, mothership or generic node. AVAILABLE nodes take work. A node whose agent
 * misses heartbeats is SUSPECT (keeps what it holds, takes nothing new), then LOST (what it held is
 * released and rescheduled). EXPIRED: a REST registration that missed its TTL.
 */
public enum NodeState {
  AVAILABLE, SUSPECT, LOST, EXPIRED,
  /** Its agent said goodbye (a clean stop): what it held is released at once, as for LOST. */
  LEFT;

  /** Gone: holds nothing, gets no commands, is no longer watched until its agent says hello again. */
  public boolean gone() {
    return this == LOST || this == EXPIRED || this == LEFT;
  }
}
