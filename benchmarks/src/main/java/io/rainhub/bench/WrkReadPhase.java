package io.rainhub.bench;

import static io.rainhub.bench.BoundedWaits.await;
import static io.rainhub.bench.Progress.say;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Read throughput: wrk against {@code GET /webcomponent/{instanceId}} on the hub, then with the same
 * settings and paths against {@link BareJsonServer} in this JVM, each after an uncounted warm-up.
 */
final class WrkReadPhase {

  /** Both runs, the body sizes, and where the CPU went during each. */
  record Read(String wrkCommand, int hubBodyBytes, int bareBodyBytes, Wrk.WrkResult hub, Wrk.WrkResult bare,
      CpuMeter.Usage hubCpu, CpuMeter.Usage bareCpu, int barePort) {
    double ratio() {
      return bare.requestsPerSecond() == 0 ? 0 : hub.requestsPerSecond() / bare.requestsPerSecond();
    }
  }

  private final Vertx vertx;
  private final HubClient hub;
  private final CloudApiBenchmarkOptions options;
  private final CpuMeter cpu;
  private final Wrk wrk;

  WrkReadPhase(Vertx vertx, HubClient hub, CloudApiBenchmarkOptions options, CpuMeter cpu, String wrkPath) {
    this.vertx = vertx;
    this.hub = hub;
    this.options = options;
    this.cpu = cpu;
    this.wrk = new Wrk(wrkPath, options.wrkThreads, options.wrkConnections);
  }

  /** Reads rotate over {@code ids}; wrk's Lua script is written to {@code work}. */
  Read run(List<String> ids, Path work) throws Exception {
    // the hub answers one of the ids (also gives the real document size to compare with)
    HttpResponse<Buffer> probe = await(hub.get("/webcomponent/" + ids.get(0)).send(), "GET instance");
    if (probe.statusCode() != 200) {
      throw new BenchmarkFailure("GET /webcomponent/" + ids.get(0) + " answered " + probe.statusCode() + ": "
          + probe.bodyAsString());
    }
    int barePort = BareJsonServer.deploy(vertx, options.barePort, options.httpInstances)
        .await(30, TimeUnit.SECONDS);
    WebClient bareClient = WebClient.create(vertx);
    HttpResponse<Buffer> bareProbe = await(bareClient.get(barePort, "127.0.0.1", "/webcomponent/" + ids.get(0))
        .timeout(HubClient.REQUEST_TIMEOUT_MS).send(), "GET bare");
    bareClient.close();
    if (bareProbe.statusCode() != 200) {
      throw new BenchmarkFailure("bare server answered " + bareProbe.statusCode());
    }
    say("read: hub document " + probe.body().length() + " bytes, bare document " + bareProbe.body().length()
        + " bytes; bare server on 127.0.0.1:" + barePort);

    Path script = work.resolve("rotate-ids.lua");
    Files.writeString(script, luaScript(ids), StandardCharsets.UTF_8);
    Measured hubRun = measure(hub.httpUrl(), script);
    say(String.format(Locale.ROOT, "read hub: %.0f requests/s", hubRun.result.requestsPerSecond()));
    Measured bareRun = measure("http://127.0.0.1:" + barePort, script);
    say(String.format(Locale.ROOT, "read bare: %.0f requests/s", bareRun.result.requestsPerSecond()));
    return new Read(wrk.describe(options.duration), probe.body().length(), bareProbe.body().length(),
        hubRun.result, bareRun.result, hubRun.cpu, bareRun.cpu, barePort);
  }

  private record Measured(Wrk.WrkResult result, CpuMeter.Usage cpu) {}

  /** A short uncounted warm-up so neither side is measured cold, then the measured run. */
  private Measured measure(String url, Path script) throws IOException, InterruptedException {
    wrk.run(url, script, options.wrkWarmup);
    CpuMeter.Snapshot before = cpu.snapshot();
    long started = System.nanoTime();
    Wrk.WrkResult result = wrk.run(url, script, options.duration);
    long wall = System.nanoTime() - started;
    return new Measured(result, cpu.since(before, wall).withWrk(result.cpuSeconds() / (wall / 1e9)));
  }

  private String luaScript(List<String> ids) {
    StringBuilder lua = new StringBuilder("-- written by CloudApiBenchmark: rotates GET /webcomponent/{id} over ")
        .append(ids.size()).append(" instance ids\nlocal ids = {\n");
    for (String id : ids) {
      lua.append("  \"").append(id.replace("\\", "").replace("\"", "")).append("\",\n");
    }
    lua.append("}\n")
        .append("local n = #ids\n")
        .append("local i = 0\n")
        .append("wrk.headers[\"Authorization\"] = \"").append(hub.authorization()).append("\"\n")
        .append("request = function()\n")
        .append("  i = i + 1\n")
        .append("  if i > n then i = 1 end\n")
        .append("  return wrk.format(\"GET\", \"/webcomponent/\" .. ids[i])\n")
        .append("end\n");
    return lua.toString();
  }
}
