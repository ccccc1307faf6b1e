package io.rainhub.bench;

import static io.rainhub.bench.BoundedWaits.await;
import static io.rainhub.bench.Progress.say;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.IntFunction;

/**
 * c. command round trip: {@code POST /v1.0/nodes/{id}/commands} (guest) to random simulated nodes,
 * {@code --in-flight} at a time after an uncounted warm-up, timed end to end over HTTP.
 */
final class CommandRoundTripPhase extends AgentBenchmarkPhase {

  CommandRoundTripPhase(AgentBenchmarkRig rig) {
    super(rig);
  }

  /** A batch of commands, and how many of its 200 answers did not say SUCCEEDED. */
  private record Commands(RequestBatch batch, AtomicInteger notSucceeded) {}

  void run() {
    List<String> nodes = new ArrayList<>();
    for (JsonObject agent : rig.readings.listAgents()) {
      if (agent.getString("name", "").startsWith(AgentBenchmarkRig.SIM_PREFIX)
          && "AVAILABLE".equals(agent.getString("state"))) {
        nodes.add(agent.getString("nodeId"));
      }
    }
    if (nodes.isEmpty()) {
      throw new BenchmarkFailure("no AVAILABLE simulated node to send commands to");
    }
    Random random = new Random(42);
    IntFunction<Future<HttpResponse<Buffer>>> send = i -> rig.hub
        .post("/v1.0/nodes/" + nodes.get(random.nextInt(nodes.size())) + "/commands")
        .sendJsonObject(new JsonObject().put("action", "guest")
            .put("args", new JsonObject().put("command", "echo bench-" + i)).put("timeoutMs", 10_000));
    String[] commandIds = new String[Math.max(options.commands, options.commandWarmup)];
    BiPredicate<Integer, HttpResponse<Buffer>> succeeded = (i, response) -> {
      try {
        JsonObject finished = response.bodyAsJsonObject();
        commandIds[i] = finished.getString("commandId");
        return "SUCCEEDED".equals(finished.getString("state"));
      } catch (RuntimeException e) {
        return false;
      }
    };
    say(String.format(Locale.ROOT, "c. command round trip: %d guest commands as a warm-up (not counted), then %d, "
        + "%d in flight, to random nodes among %d...", options.commandWarmup, options.commands, options.inFlight,
        nodes.size()));
    if (options.commandWarmup > 0) {
      Commands warm = send("command warm-up", options.commandWarmup, send, succeeded);
      say("c. warm-up: " + warm.batch.statusLine() + ", not SUCCEEDED: " + warm.notSucceeded);
    }
    CpuMeter.Window cpuBefore = rig.cpu.open();
    Commands measured = send("commands", options.commands, send, succeeded);
    CpuMeter.Usage usage = rig.cpu.since(cpuBefore);
    RequestBatch run = measured.batch;
    int notSucceeded = measured.notSucceeded.get();
    double rate = run.ok() / (run.wallNanos / 1e9);
    say(String.format(Locale.ROOT, "c. %s; not SUCCEEDED %d; %.0f commands/s; p50 %.1f ms p99 %.1f ms max %.1f ms",
        run.statusLine(), notSucceeded, rate, run.percentileMs(50), run.percentileMs(99),
        run.percentileMs(100)));
    say("c. cpu: " + usage.describe());
    if (!run.samplesText().isEmpty()) {
      say("c. problems:" + run.samplesText());
    }
    String split = split(run, commandIds);
    say("c. " + split);
    summary.figure("commands", String.format(Locale.ROOT, "%d guest (+%d warm-up), %d in flight: %s, "
        + "not SUCCEEDED %d; %.0f commands/s", options.commands, options.commandWarmup, options.inFlight,
        run.statusLine(), notSucceeded, rate));
    summary.figure("command round trip", String.format(Locale.ROOT,
        "p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms",
        run.percentileMs(50), run.percentileMs(90), run.percentileMs(99), run.percentileMs(100)));
    summary.figure("command split", split);
    summary.figure("cpu (commands)", usage.describe());
    summary.skew("commands", usage.otherCores());
    summary.target(AgentSummary.target("command p99", run.percentileMs(99), AgentBenchmark.P99_TARGET_MS, "ms", true));
    if (run.ok() < options.commands || notSucceeded > 0) {
      summary.problem("commands: " + run.statusLine() + ", not SUCCEEDED " + notSucceeded + run.samplesText());
    }
  }

  /**
   * {@code total} commands, {@code --in-flight} at a time, all from one context: the shared Random
   * and the counters are touched from one event loop only.
   */
  private Commands send(String what, int total, IntFunction<Future<HttpResponse<Buffer>>> send,
      BiPredicate<Integer, HttpResponse<Buffer>> succeeded) {
    AtomicInteger notSucceeded = new AtomicInteger();
    RequestBatch batch = RequestDriver.drive(rig.vertx, what, total, options.inFlight,
        RequestDriver.Start.ONE_CONTEXT, send, 200, (i, response) -> {
          if (!succeeded.test(i, response)) {
            notSucceeded.incrementAndGet();
          }
        });
    return new Commands(batch, notSucceeded);
  }

  /**
   * Where a round trip's time goes, for a sample of the measured commands: the hub stamps
   * {@code createdAt} when the hypervisor queues the command and {@code finishedAt} when it takes
   * the agent's result (both before the commit that stores them); the rest is HTTP, the event bus
   * and the two commits.
   */
  private String split(RequestBatch run, String[] commandIds) {
    List<Double> inside = new ArrayList<>();
    List<Double> whole = new ArrayList<>();
    Random random = new Random(7);
    for (int n = 0; n < Math.min(50, run.total); n++) {
      int i = random.nextInt(run.total);
      if (commandIds[i] == null) {
        continue;
      }
      HttpResponse<Buffer> response = await(rig.hub.get("/v1.0/commands/" + commandIds[i]).send(),
          "GET /v1.0/commands/{id}");
      if (response.statusCode() != 200) {
        continue;
      }
      JsonObject command = response.bodyAsJsonObject();
      try {
        OffsetDateTime created = OffsetDateTime.parse(command.getString("createdAt"));
        OffsetDateTime finished = OffsetDateTime.parse(command.getString("finishedAt"));
        inside.add(Duration.between(created, finished).toNanos() / 1e6);
        whole.add(run.latencies[i] / 1e6);
      } catch (RuntimeException e) {
        // no finishedAt: not finished, nothing to split
      }
    }
    if (inside.isEmpty()) {
      return "no finished command to split";
    }
    inside.sort(null);
    whole.sort(null);
    return String.format(Locale.ROOT, "split of %d sampled commands: queued -> result taken (hub clock) p50 %.1f ms, "
        + "max %.1f ms; whole round trip of the same p50 %.1f ms, max %.1f ms", inside.size(),
        inside.get(inside.size() / 2), inside.get(inside.size() - 1), whole.get(whole.size() / 2),
        whole.get(whole.size() - 1));
  }
}
