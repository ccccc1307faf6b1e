package io.rainhub.agent;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This machine's metrics from {@link HostMetrics}. OSHI reads files and may be slow, so each call
 * answers the latest sample at once and takes the next one on a worker thread: heartbeats leave
 * on time and carry figures at most one interval old.
 */
public final class HostMetricsSource implements MetricsSource {

  private static final Logger LOG = LoggerFactory.getLogger(HostMetricsSource.class);

  private final Vertx vertx;
  private final HostMetrics metrics;
  private volatile JsonObject latest;
  /** Atomic: the agents of a {@code rain-agent host} share one source from several event loops. */
  private final AtomicBoolean sampling = new AtomicBoolean();

  /** Blocking: OSHI's first look at the machine takes a while. */
  public HostMetricsSource(Vertx vertx) {
    this.vertx = vertx;
    this.metrics = new HostMetrics();
    this.latest = metrics.sample();
  }

  @Override
  public JsonObject current() {
    if (sampling.compareAndSet(false, true)) {
      // Ordered: HostMetrics keeps the previous sample and is not thread-safe.
      vertx.executeBlocking(metrics::sample, true).onComplete(sample -> {
        sampling.set(false);
        if (sample.succeeded()) {
          latest = sample.result();
        } else {
          LOG.warn("Could not read the host's metrics; heartbeats repeat the previous ones", sample.cause());
        }
      });
    }
    return latest;
  }
}
