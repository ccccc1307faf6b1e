package io.rainhub.bench;

import static io.rainhub.bench.Progress.say;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark of the hub's RAIN cloud API; see {@code bin/bench-cloud-api} and BENCHMARKS.md.
 *
 * <ol>
 *   <li>logs in as admin, registers motherships and rain servers, deploys components
 *       ({@link CloudFleetSetup});</li>
 *   <li>placement rate: instantiates components with a fixed number of requests in flight and
 *       prints placements/s and latency percentiles (after an uncounted warm-up;
 *       {@link PlacementPhase});</li>
 *   <li>read throughput: runs {@code wrk} against {@code GET /webcomponent/{instanceId}} on the
 *       hub, then against {@link BareJsonServer} (same paths, same wrk settings), and prints both
 *       and their ratio ({@link WrkReadPhase});</li>
 *   <li>prints a summary with the machine, the figures and the targets ({@link CloudApiSummary}).</li>
 * </ol>
 *
 * <p>Traffic goes only to the hub URL given (loopback expected) and to the bare server on
 * 127.0.0.1. Every wait is bounded.
 */
public final class CloudApiBenchmark {

  public static void main(String[] args) {
    CloudApiBenchmarkOptions options;
    try {
      options = CloudApiBenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("CloudApiBenchmark: " + e.getMessage());
      System.err.println(CloudApiBenchmarkOptions.USAGE);
      System.exit(2);
      return;
    }
    String wrk = Programs.which("wrk");
    if (wrk == null) {
      System.err.println("wrk not found: apt-get install wrk");
      System.exit(1);
      return;
    }
    Vertx vertx = Vertx.vertx();
    int status;
    try {
      new CloudApiBenchmark(vertx, options, wrk).run();
      status = 0;
    } catch (BenchmarkFailure e) {
      System.err.println("CloudApiBenchmark: FAILED: " + e.getMessage());
      status = 1;
    } catch (Exception e) {
      System.err.println("CloudApiBenchmark: FAILED: " + e);
      e.printStackTrace();
      status = 1;
    } finally {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
    System.exit(status);
  }

  private final Vertx vertx;
  private final CloudApiBenchmarkOptions options;
  private final String wrk;
  private final HubClient hub;
  private final CpuMeter cpu;

  CloudApiBenchmark(Vertx vertx, CloudApiBenchmarkOptions options, String wrk) {
    this.vertx = vertx;
    this.options = options;
    this.wrk = wrk;
    this.hub = new HubClient(vertx, options.hub, Math.max(options.concurrency, 32));
    this.cpu = new CpuMeter(options.hubPid);
  }

  void run() throws Exception {
    Map<String, String> facts = Machine.facts();
    say("machine: " + facts.get("cpus") + " cpus, " + facts.get("cpu model") + "; " + facts.get("java"));
    say("hub: " + options.hub + (options.hubPid > 0 ? " (pid " + options.hubPid + ")" : ""));

    // a. log in
    hub.login(options.password);

    // b. register motherships and rain servers, deploy components
    CloudFleetSetup fleet = new CloudFleetSetup(vertx, hub, options);
    long setupStart = System.nanoTime();
    RequestBatch registered = fleet.register();
    RequestBatch deployed = fleet.deploy();
    double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
    say(String.format(Locale.ROOT, "setup: %d motherships + %d rain servers (%s), %d components (%s) in %.1f s",
        options.motherships, options.servers, registered.statusLine(), options.components,
        deployed.statusLine(), setupSeconds));
    if (registered.ok() < options.motherships + options.servers) {
      throw new BenchmarkFailure("registration failed: " + registered.statusLine() + registered.samplesText());
    }
    if (deployed.ok() < options.components) {
      throw new BenchmarkFailure("deploy failed: " + deployed.statusLine() + deployed.samplesText());
    }

    // c. placement rate
    PlacementPhase.Placements placements = new PlacementPhase(vertx, hub, options, cpu).run();

    // d. read throughput
    Path work = ScratchDirectory.create("rainhub-bench-");
    WrkReadPhase.Read read;
    try {
      read = new WrkReadPhase(vertx, hub, options, cpu, wrk).run(placements.readIds(), work);
    } finally {
      ScratchDirectory.delete(work);
    }

    // e. summary
    new CloudApiSummary(options).print(facts, setupSeconds, placements, read);
  }
}
