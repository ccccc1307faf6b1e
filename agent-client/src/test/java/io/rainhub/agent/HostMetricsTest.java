package io.rainhub.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Figures read from this very machine: they must be present and plausible, not exact. */
class HostMetricsTest {

  @Test
  void samplesThisMachine() throws Exception {
    HostMetrics metrics = new HostMetrics();
    // Burn some cpu so the busy fraction has something to show.
    long until = System.nanoTime() + 300_000_000L;
    double sink = 0;
    while (System.nanoTime() < until) {
      sink += Math.sqrt(sink + 1);
    }
    JsonObject sample = metrics.sample();
    assertThat(sink).isPositive();
    assertThat(sample.getDouble("cpu")).isBetween(0.0, 1.0).isPositive();
    assertThat(sample.getInteger("cores")).isEqualTo(Runtime.getRuntime().availableProcessors());
    JsonObject memory = sample.getJsonObject("memory");
    assertThat(memory.getLong("totalMb")).isPositive();
    assertThat(memory.getLong("usedMb")).isPositive().isLessThanOrEqualTo(memory.getLong("totalMb"));
    assertThat(sample.getJsonObject("network").getDouble("rxMbps")).isNotNegative();
    assertThat(sample.getJsonArray("load")).hasSize(3);
  }
}
