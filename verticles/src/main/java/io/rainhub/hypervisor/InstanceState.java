package io.rainhub.hypervisor;

/**
 * PLACED: capacity reserved, waiting for the mothership's agent to report it running.
 * UNPLACED: every mothership it was on went away; it holds no capacity.
 * RUNNING and STOPPED are reported by agents (the agents issue).
 */
public enum InstanceState {
  PLACED, RUNNING, UNPLACED, STOPPED
}
