package io.rainhub.hypervisor;

/**
 * PLACED: capacity reserved; on an agent-managed mothership, waiting for the agent to report it running.
 * RUNNING: the primary's agent reported it started. FAILED: the primary's agent could not start it.
 * STOPPING: stop sent to agents; capacity is held until they confirm. UNPLACED: every mothership it
 * was on went away and no other had room; it holds no capacity. STOPPED is only ever reported, never kept.
 */
public enum InstanceState {
  PLACED, RUNNING, FAILED, STOPPING, UNPLACED, STOPPED
}
