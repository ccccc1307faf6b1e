package io.rainhub.agent.sim;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;

/**
 * The simulated agents one event loop carries. Shards spread the agents over the event loops;
 * each starts its agents at its share of the connect rate.
 */
final class SimulatorShard extends VerticleBase {

  private static final long RAMP_TICK_MS = 10;

  private final List<SimulatedAgent> agents;
  private final double perTick;
  private double budget = 1;
  private int started;
  private long rampTimer = -1;

  SimulatorShard(List<SimulatedAgent> agents, double connectsPerSecond) {
    this.agents = agents;
    this.perTick = connectsPerSecond * RAMP_TICK_MS / 1000.0;
  }

  @Override
  public Future<?> start() {
    ramp();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(rampTimer);
    return Future.all(agents.stream().map(SimulatedAgent::stop).toList());
  }

  /**
   * A timer per tick rather than a periodic one: a periodic timer catches up on the ticks a busy
   * event loop missed, which would start a burst of agents at once, the herd the ramp avoids.
   */
  private void ramp() {
    while (budget >= 1 && started < agents.size()) {
      agents.get(started++).start();
      budget--;
    }
    budget += perTick;
    if (started < agents.size()) {
      rampTimer = vertx.setTimer(RAMP_TICK_MS, tick -> ramp());
    }
  }
}
