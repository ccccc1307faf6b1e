package io.rainhub.agent.sim;

import java.time.Duration;

/** What {@link AgentSimulator#blast} achieved: frames written in all, over how long. */
public record BlastResult(long frames, Duration elapsed) {

  public double framesPerSecond() {
    return frames / Math.max(1e-9, elapsed.toNanos() / 1e9);
  }
}
