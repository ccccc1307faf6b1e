package io.rainhub.bench;

import static io.rainhub.bench.BoundedWaits.await;
import static io.rainhub.bench.BoundedWaits.sleep;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the agent benchmark reads about the hub: its /metrics, its heap after a full GC, its agents
 * listing, and, for when its event loops are too busy to answer, jstat and the kernel's socket
 * queues, which need nothing from the hub.
 */
final class HubReadings {

  /** The hub's heap from /metrics, its RSS from /proc, and how the heap was settled first. */
  record Heap(long usedBytes, long committedBytes, long maxBytes, long rssBytes, String how) {
    String describe() {
      return String.format(Locale.ROOT, "%.1f MiB used (committed %.0f MiB, max %.0f MiB; process RSS %.0f MiB; %s)",
          usedBytes / 1048576.0, committedBytes / 1048576.0, maxBytes / 1048576.0, rssBytes / 1048576.0, how);
    }
  }

  private final HubClient hub;
  private final long hubPid;

  HubReadings(HubClient hub, long hubPid) {
    this.hub = hub;
    this.hubPid = hubPid;
  }

  HubMetrics metrics() {
    HttpResponse<Buffer> response = await(hub.anonymous().get("/metrics").timeout(HubClient.REQUEST_TIMEOUT_MS)
        .send(), "GET /metrics");
    if (response.statusCode() != 200) {
      throw new BenchmarkFailure("GET /metrics answered " + response.statusCode());
    }
    return HubMetrics.parse(response.bodyAsString());
  }

  /** The hub's used heap after a full GC (jcmd GC.run when the JDK has jcmd), from /metrics. */
  Heap heap() {
    String how = "no full GC: jcmd or --hub-pid missing";
    String jcmd = Programs.which("jcmd");
    if (jcmd == null) {
      Path candidate = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      jcmd = Files.isExecutable(candidate) ? candidate.toString() : null;
    }
    if (jcmd != null && hubPid > 0) {
      String out = Programs.output(List.of(jcmd, String.valueOf(hubPid), "GC.run"), 60);
      how = out == null ? "jcmd GC.run failed" : "after jcmd GC.run";
      sleep(500);
    }
    HubMetrics m = metrics();
    long rss = 0;
    if (hubPid > 0) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + hubPid + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
          }
        }
      } catch (IOException | RuntimeException ignored) {
        // not Linux
      }
    }
    return new Heap((long) m.sum("jvm_memory_used_bytes", "area", "heap"),
        (long) m.sum("jvm_memory_committed_bytes", "area", "heap"),
        (long) m.sum("jvm_memory_max_bytes", "area", "heap"), rss, how);
  }

  /** The hub's heap in use now, from {@code jstat -gc} (no help from the hub's event loops needed). */
  String jstatHeap() {
    if (hubPid <= 0) {
      return "unknown (no --hub-pid)";
    }
    Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
    String out = Programs.output(List.of(Files.isExecutable(jstat) ? jstat.toString() : "jstat", "-gc",
        String.valueOf(hubPid)), 20);
    if (out == null) {
      return "unknown (jstat failed)";
    }
    String[] lines = out.trim().split("\n");
    if (lines.length < 2) {
      return "unknown";
    }
    String[] names = lines[0].trim().split("\\s+");
    String[] values = lines[lines.length - 1].trim().split("\\s+");
    double usedKb = 0;
    double capacityKb = 0;
    long fullGcs = -1;
    for (int i = 0; i < Math.min(names.length, values.length); i++) {
      try {
        switch (names[i]) {
          case "S0U", "S1U", "EU", "OU" -> usedKb += Double.parseDouble(values[i]);
          case "S0C", "S1C", "EC", "OC" -> capacityKb += Double.parseDouble(values[i]);
          case "FGC" -> fullGcs = Long.parseLong(values[i]);
          default -> {
            // not needed
          }
        }
      } catch (NumberFormatException ignored) {
        // "-" for an absent value
      }
    }
    return String.format(Locale.ROOT, "%.0f MiB used of %.0f MiB committed, %d full GCs so far (jstat -gc)",
        usedKb / 1024, capacityKb / 1024, fullGcs);
  }

  /**
   * Bytes waiting in the kernel's socket buffers on the hub's loopback port: [unread by the hub
   * (Recv-Q of its sockets), not yet sent by the agents (Send-Q of theirs)]; null without {@code ss}.
   */
  long[] kernelQueues() {
    int port = hub.uri().getPort();
    String server = Programs.output(List.of("ss", "-tnH", "state", "established", "sport", "=", ":" + port), 10);
    String clients = Programs.output(List.of("ss", "-tnH", "state", "established", "dport", "=", ":" + port), 10);
    if (server == null || clients == null) {
      return null;
    }
    return new long[] {sumColumn(server, 0), sumColumn(clients, 1)};
  }

  /** Sum of Recv-Q (0) or Send-Q (1) over ss lines without a state column. */
  private static long sumColumn(String ssOutput, int column) {
    long sum = 0;
    for (String line : ssOutput.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 2) {
        try {
          sum += Long.parseLong(fields[column]);
        } catch (NumberFormatException ignored) {
          // a header or something else
        }
      }
    }
    return sum;
  }

  List<JsonObject> listAgents() {
    HttpResponse<Buffer> response = await(hub.get("/v1.0/agents").send(), "GET /v1.0/agents");
    if (response.statusCode() != 200) {
      throw new BenchmarkFailure("GET /v1.0/agents answered " + response.statusCode() + ": "
          + response.bodyAsString());
    }
    JsonArray items = response.bodyAsJsonObject().getJsonArray("items", new JsonArray());
    List<JsonObject> agents = new ArrayList<>(items.size());
    items.forEach(item -> agents.add((JsonObject) item));
    return agents;
  }

  /** Simulated agents listed by the hub, by state ("sim total" for all of them). */
  Map<String, Integer> agentStates() {
    Map<String, Integer> states = new TreeMap<>();
    for (JsonObject agent : listAgents()) {
      if (agent.getString("name", "").startsWith(AgentBenchmarkRig.SIM_PREFIX)) {
        states.merge("sim total", 1, Integer::sum);
        states.merge(agent.getString("state", "?"), 1, Integer::sum);
      }
    }
    return states;
  }

  /** The hub's -X options from /proc, for the summary: the heap figures depend on them. */
  String jvmFlags() {
    if (hubPid <= 0) {
      return "unknown";
    }
    try {
      String cmdline = Files.readString(Path.of("/proc/" + hubPid + "/cmdline")).replace('\0', ' ').trim();
      StringBuilder flags = new StringBuilder();
      for (String part : cmdline.split(" ")) {
        if (part.startsWith("-X") || part.startsWith("-XX")) {
          flags.append(flags.length() == 0 ? "" : " ").append(part);
        }
      }
      return flags.length() == 0 ? "JVM defaults" : flags.toString();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
