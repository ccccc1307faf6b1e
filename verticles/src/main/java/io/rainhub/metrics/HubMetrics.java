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

/**
 * Vert.x metrics (HTTP server, event bus, pools) and the hub's own meters, in one Prometheus
 * registry scraped at {@code /metrics}.
 */
public final class HubMetrics {

  private HubMetrics() {
  }

  /** Options and factory for {@code Vertx.builder()}: every Vertx the hub (or a test) builds uses these. */
  public static VertxOptions enable(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
  }

  public static VertxMetricsFactory factory() {
    return new MicrometerMetricsFactory(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Counts logins by outcome ({@code success}, {@code failure}). */
  public static Counter logins(String outcome) {
    return Counter.builder("rainhub.logins").description("Login attempts by outcome")
        .tag("outcome", outcome).register(registry());
  }

  /** Counts error responses by status. */
  public static Counter problems(int status) {
    return Counter.builder("rainhub.http.problems").description("Problem responses sent, by HTTP status")
        .tag("status", Integer.toString(status)).register(registry());
  }

  private static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      throw new IllegalStateException("Vert.x was built without HubMetrics.enable(...)");
    }
    return registry;
  }
}
