package io.rainhub.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;

/**
 * The host figures a heartbeat carries (see docs/agent-protocol.md): cpu busy fraction since the
 * previous sample, memory, network throughput since the previous sample, load averages. Read with
 * OSHI from the real machine. Not thread-safe: one sampler per agent.
 */
public final class HostMetrics {

  private final CentralProcessor processor;
  private final GlobalMemory memory;
  private final HardwareAbstractionLayer hardware;
  private long[] previousTicks;
  private long previousBytesIn;
  private long previousBytesOut;
  private long previousNanos;

  public HostMetrics() {
    hardware = new SystemInfo().getHardware();
    processor = hardware.getProcessor();
    memory = hardware.getMemory();
    previousTicks = processor.getSystemCpuLoadTicks();
    long[] bytes = networkBytes();
    previousBytesIn = bytes[0];
    previousBytesOut = bytes[1];
    previousNanos = System.nanoTime();
  }

  /** One sample, as the {@code metrics} object of a heartbeat body. */
  public JsonObject sample() {
    double cpu = processor.getSystemCpuLoadBetweenTicks(previousTicks);
    previousTicks = processor.getSystemCpuLoadTicks();
    long now = System.nanoTime();
    long[] bytes = networkBytes();
    double seconds = Math.max(1e-3, (now - previousNanos) / 1e9);
    double rxMbps = Math.max(0, bytes[0] - previousBytesIn) * 8 / 1e6 / seconds;
    double txMbps = Math.max(0, bytes[1] - previousBytesOut) * 8 / 1e6 / seconds;
    previousBytesIn = bytes[0];
    previousBytesOut = bytes[1];
    previousNanos = now;
    long totalMb = memory.getTotal() / (1024 * 1024);
    long usedMb = (memory.getTotal() - memory.getAvailable()) / (1024 * 1024);
    JsonArray load = new JsonArray();
    for (double average : processor.getSystemLoadAverage(3)) {
      load.add(average < 0 ? null : average);
    }
    return new JsonObject()
        .put("cpu", Math.max(0, Math.min(1, cpu)))
        .put("cores", processor.getLogicalProcessorCount())
        .put("memory", new JsonObject().put("usedMb", usedMb).put("totalMb", totalMb))
        .put("network", new JsonObject().put("rxMbps", rxMbps).put("txMbps", txMbps))
        .put("load", load);
  }

  private long[] networkBytes() {
    long in = 0;
    long out = 0;
    for (NetworkIF network : hardware.getNetworkIFs()) {
      network.updateAttributes();
      in += network.getBytesRecv();
      out += network.getBytesSent();
    }
    return new long[] {in, out};
  }
}
