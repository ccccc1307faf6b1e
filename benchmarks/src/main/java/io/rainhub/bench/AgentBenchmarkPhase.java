package io.rainhub.bench;

/**
 * A phase of the agent benchmark: it measures on the rig's hub and fleet and writes what it found
 * to the rig's summary, so phases share no state with each other but the rig.
 */
abstract class AgentBenchmarkPhase {

  final AgentBenchmarkRig rig;
  final AgentBenchmarkOptions options;
  final AgentSummary summary;

  AgentBenchmarkPhase(AgentBenchmarkRig rig) {
    this.rig = rig;
    this.options = rig.options;
    this.summary = rig.summary;
  }
}
