package io.rainhub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x metrics (HTTP server, event bus, pools, JVM) and the hub's own meters, in one Prometheus
 * registry per Vert.x instance, scraped at {@code /metrics}. Each Vert.x gets a registry of its own
 * name: the default one is shared JVM-wide and removed when any Vert.x closes.
 */
public final class HubMetrics {

  /** Configuration key under which verticles receive the registry's name. */
  public static final String REGISTRY_KEY = "metricsRegistry";
  private static final Logger LOG = LoggerFactory.getLogger(HubMetrics.class);
  private static final java.util.List<String> LOGIN_OUTCOMES = java.util.List.of("success", "failure", "throttled", "busy");

  private final MeterRegistry registry;
  /** Looked up once: it is counted for every frame an agent sends. */
  private final Counter agentFrames;

  private HubMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.agentFrames = Counter.builder("rainhub.agent.frames.received")
        .description("Frames received from agents over WebSocket, before any check").register(registry);
    // Shown at 0 from the start, so that a dashboard's rate of a rare outcome is 0 rather than absent.
    for (String outcome : LOGIN_OUTCOMES) {
      login(outcome, 0);
    }
  }

  /** One frame arrived from an agent's socket. */
  public void agentFrameReceived() {
    agentFrames.increment();
  }

  /** Options for {@code Vertx.builder()}: every Vertx the hub (or a test) builds uses these and {@link #factory()}. */
  public static VertxOptions enable(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setRegistryName("rainhub-" + UUID.randomUUID()));
  }

  /** The registry name {@link #enable} chose, to hand to the verticles. */
  public static String registryName(VertxOptions options) {
    return ((MicrometerMetricsOptions) options.getMetricsOptions()).getRegistryName();
  }

  public static VertxMetricsFactory factory() {
    return new MicrometerMetricsFactory(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** The hub's meters in the named registry. */
  public static HubMetrics of(String registryName) {
    MeterRegistry registry = BackendRegistries.getNow(registryName);
    if (registry == null) {
      throw new IllegalStateException("No metrics registry '" + registryName + "': build Vert.x with HubMetrics.enable");
    }
    return new HubMetrics(registry);
  }

  /**
   * Counts a login attempt by outcome: {@code success}, {@code failure} (wrong password or unknown
   * user), {@code throttled} (429, no password check run), {@code busy} (503, the password workers'
   * queue was full), {@code unavailable} (the identity verticle did not answer).
   */
  public void login(String outcome) {
    login(outcome, 1);
  }

  private void login(String outcome, double amount) {
    try {
      Counter.builder("rainhub.logins").description("Login attempts by outcome").tag("outcome", outcome)
          .register(registry).increment(amount);
    } catch (RuntimeException e) {
      LOG.warn("Could not record rainhub.logins", e);
    }
  }

  /** Counts an error response by status. */
  public void problem(int status) {
    count("rainhub.http.problems", "Problem responses sent, by HTTP status", "status", Integer.toString(status));
  }

  /** Time from a heartbeat frame's arrival to the hypervisor's maps holding it. */
  public void heartbeatApplied(long nanos) {
    try {
      io.micrometer.core.instrument.Timer.builder("rainhub.agent.heartbeat.applied")
          .description("Heartbeat frame received to applied in the hypervisor's maps")
          .publishPercentiles(0.5, 0.99).register(registry).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      LOG.warn("Could not record the heartbeat latency", e);
    }
  }

  /** Counts frames from agents that were refused, by error code. */
  public void agentFrameRefused(String code) {
    count("rainhub.agent.frames.refused", "Frames from agents answered with an error, by code", "code", code);
  }

  /** Metrics must never fail a request: a meter that cannot be recorded is logged and skipped. */
  private void count(String name, String description, String tag, String value) {
    try {
      Counter.builder(name).description(description).tag(tag, value).register(registry).increment();
    } catch (RuntimeException e) {
      LOG.warn("Could not record {}", name, e);
    }
  }
}
