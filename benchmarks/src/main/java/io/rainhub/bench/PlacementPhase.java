package io.rainhub.bench;

import static io.rainhub.bench.Progress.say;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Placement rate: {@code POST /webcomponent/c<k>/1.0}, k round-robin, {@code --concurrency} in
 * flight, after an uncounted warm-up (the JIT is still at work in the first seconds). Keeps a
 * spread of the instance ids it creates for the read phase.
 */
final class PlacementPhase {

  /** Instance ids the read phase rotates over. */
  static final int READ_IDS = 100;

  /** The warm-up, the measured placements and the hub's CPU during them, and the ids to read. */
  record Placements(RequestBatch warm, RequestBatch placed, CpuMeter.Usage cpu, List<String> readIds) {}

  private final Vertx vertx;
  private final HubClient hub;
  private final CloudApiBenchmarkOptions options;
  private final CpuMeter cpu;

  PlacementPhase(Vertx vertx, HubClient hub, CloudApiBenchmarkOptions options, CpuMeter cpu) {
    this.vertx = vertx;
    this.hub = hub;
    this.options = options;
    this.cpu = cpu;
  }

  Placements run() {
    Queue<String> warmIds = new ConcurrentLinkedQueue<>();
    RequestBatch warm = instantiate(options.warmup, warmIds, Math.max(1, options.warmup / READ_IDS));
    say(String.format(Locale.ROOT, "placement warm-up: %d instantiations, %s, %.0f/s (not counted)",
        options.warmup, warm.statusLine(), warm.rate()));
    Queue<String> ids = new ConcurrentLinkedQueue<>();
    CpuMeter.Snapshot before = cpu.snapshot();
    RequestBatch placed = instantiate(options.instantiations, ids, Math.max(1, options.instantiations / READ_IDS));
    CpuMeter.Usage placementCpu = cpu.since(before, placed.wallNanos);
    say(String.format(Locale.ROOT, "placement: %d instantiations, %s, %.0f placements/s", options.instantiations,
        placed.statusLine(), placed.rate()));
    return new Placements(warm, placed, placementCpu, readIds(ids, warmIds));
  }

  /** Up to {@link #READ_IDS} ids: the measured run's, topped up from the warm-up's. */
  private static List<String> readIds(Queue<String> ids, Queue<String> warmIds) {
    List<String> readIds = new ArrayList<>(ids);
    for (String id : warmIds) {
      if (readIds.size() >= READ_IDS) {
        break;
      }
      readIds.add(id);
    }
    if (readIds.size() > READ_IDS) {
      readIds = readIds.subList(0, READ_IDS);
    }
    if (readIds.isEmpty()) {
      throw new BenchmarkFailure("no instance was created, so there is nothing to read");
    }
    return readIds;
  }

  /** {@code count} instantiations; every {@code every}-th instance id goes to {@code ids}. */
  private RequestBatch instantiate(int count, Queue<String> ids, int every) {
    return RequestDriver.drive(vertx, "placement", count, options.concurrency, RequestDriver.Start.CONTEXT_PER_CHAIN,
        i -> hub.post("/webcomponent/c" + (i % options.components) + "/1.0").send(),
        201, (i, response) -> {
          if (i % every == 0) {
            String id = response.bodyAsJsonObject().getString("instanceId");
            if (id != null) {
              ids.add(id);
            }
          }
        });
  }
}
