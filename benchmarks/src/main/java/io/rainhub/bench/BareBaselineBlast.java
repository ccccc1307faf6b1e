package io.rainhub.bench;

import static io.rainhub.bench.BoundedWaits.await;
import static io.rainhub.bench.BoundedWaits.sleep;
import static io.rainhub.bench.BoundedWaits.waitFor;
import static io.rainhub.bench.Progress.say;

import io.rainhub.agent.sim.AgentSimulator;
import io.rainhub.agent.sim.BlastResult;
import io.rainhub.agent.sim.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The baselines the hub's frame throughput is held to: the blast agents flood
 * {@link BareWebSocketServer}, first in a process of its own (the fair one: the hub is a JVM of
 * its own too), then deployed in this JVM, on the senders' event loops.
 */
final class BareBaselineBlast extends AgentBenchmarkPhase {

  /** A blast at the bare server: frames/s it received and the senders sent, and where the CPU went. */
  record Bare(double rate, double sent, String cpu) {}

  BareBaselineBlast(AgentBenchmarkRig rig) {
    super(rig);
  }

  /** BareWebSocketServer as a process of its own, counted through its GET /count. */
  Bare inOwnProcess() {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = rig.work.resolve("bare-server.log");
    Process process;
    try {
      process = new ProcessBuilder(javaBin.toString(), "-Xmx1g", "-cp", selfJar(), BareWebSocketServer.class.getName())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new BenchmarkFailure("could not start the bare server process: " + e);
    }
    rig.processes.add(process);
    try {
      int port = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (port < 0) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new BenchmarkFailure("the bare server process did not start; its log:\n" + Programs.tail(log));
        }
        sleep(100);
        try {
          for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            int at = line.indexOf("listening on 127.0.0.1:");
            if (at >= 0) {
              port = Integer.parseInt(line.substring(at + "listening on 127.0.0.1:".length()).trim());
            }
          }
        } catch (IOException | RuntimeException notYet) {
          // not written yet
        }
      }
      int barePort = port;
      CpuMeter bareCpu = new CpuMeter(process.pid());
      return blast("bare (own process)", barePort,
          () -> {
            HttpResponse<Buffer> count = await(rig.hub.anonymous().get(barePort, "127.0.0.1", "/count")
                .timeout(HubClient.REQUEST_TIMEOUT_MS).send(), "GET /count of the bare server");
            return Long.parseLong(count.bodyAsString().trim());
          },
          bareCpu, "bare process");
    } finally {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** BareWebSocketServer deployed in this JVM, next to the senders (what the brief first asked for). */
  Bare inThisJvm() {
    LongAdder received = new LongAdder();
    BareWebSocketServer bare = new BareWebSocketServer(0, received);
    String deployment = await(rig.vertx.deployVerticle(bare), "bare WebSocket server", 30);
    try {
      return blast("bare (benchmark JVM)", bare.actualPort(), received::sum, null, null);
    } finally {
      await(rig.vertx.undeploy(deployment), "stopping the bare server", 30);
    }
  }

  /**
   * {@code --blast-agents} connect to the bare server on {@code port}, warm up, wait for the
   * warm-up's frames to land, then flood it for {@code --blast-seconds}; {@code count} reads what
   * it received so far. {@code serverCpu}, when given, measures the server's own process.
   */
  private Bare blast(String what, int port, LongSupplier count, CpuMeter serverCpu, String serverName) {
    AgentSimulator blasters = new AgentSimulator(rig.vertx, new SimulatorOptions()
        .setHub("ws://127.0.0.1:" + port).setToken("bare").setCount(options.blastAgents)
        .setHeartbeatMs(options.heartbeatMs).setConnectRatePerSecond(options.connectRate).setNamePrefix("bare-"));
    Future<Void> started = blasters.start();
    waitFor(started, 120, "blast agents (" + what + ")", () -> blasters.counters().toString());
    try {
      if (!started.succeeded()) {
        throw new BenchmarkFailure(what + " did not welcome every blast agent: " + blasters.counters());
      }
      if (options.blastWarmupSeconds > 0) {
        await(blasters.blast(Duration.ofSeconds(options.blastWarmupSeconds)), "warm-up blast at " + what,
            options.blastWarmupSeconds + 60L);
      }
      // let the warm-up's frames arrive: the count stops moving
      long last = count.getAsLong();
      for (int i = 0; i < 30; i++) {
        sleep(1_000);
        long now = count.getAsLong();
        if (now - last < 100) {
          break;
        }
        last = now;
      }
      CpuMeter.Window cpuBefore = rig.cpu.open();
      CpuMeter.Snapshot serverBefore = serverCpu == null ? null : serverCpu.snapshot();
      long serverStarted = System.nanoTime();
      long receivedBefore = count.getAsLong();
      BlastResult blast = await(blasters.blast(Duration.ofSeconds(options.blastSeconds)), "blast at " + what,
          options.blastSeconds + 60L);
      double received = count.getAsLong() - receivedBefore;
      CpuMeter.Usage usage = rig.cpu.since(cpuBefore);
      double serverCores = serverCpu == null ? 0
          : serverCpu.since(serverBefore, System.nanoTime() - serverStarted).hubCores();
      double seconds = blast.elapsed().toNanos() / 1e9;
      double rate = received / seconds;
      String cpu = (serverCpu == null ? "" : String.format(Locale.ROOT, "%s %.2f cores (also among 'other processes' "
          + "below); ", serverName, serverCores))
          + usage.describe().replaceAll("\n.*", "");
      say(String.format(Locale.ROOT, "d. %s: %.0f frames/s received (%.0f in %.1f s); sent %.0f/s (%d frames)", what,
          rate, received, seconds, blast.framesPerSecond(), blast.frames()));
      say("d. " + what + " cpu: " + cpu);
      summary.skew(what + " blast", usage.otherCores() - serverCores);
      return new Bare(rate, blast.framesPerSecond(), cpu);
    } finally {
      await(blasters.stop(), "stopping the blast agents of " + what, 60);
    }
  }

  private static String selfJar() {
    try {
      return Path.of(AgentBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
