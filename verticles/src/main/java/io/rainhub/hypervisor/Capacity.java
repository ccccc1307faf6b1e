package io.rainhub.hypervisor;

import io.vertx.core.json.JsonObject;

/** Cpu (cores), memory (MiB) and network bandwidth (Mbit/s): what a mothership offers and an instance needs. */
public record Capacity(double cpu, long ramMb, double bandwidthMbps) {

  public static final Capacity ZERO = new Capacity(0, 0, 0);

  public Capacity plus(Capacity other) {
    return new Capacity(cpu + other.cpu, ramMb + other.ramMb, bandwidthMbps + other.bandwidthMbps);
  }

  public Capacity minus(Capacity other) {
    return new Capacity(cpu - other.cpu, ramMb - other.ramMb, bandwidthMbps - other.bandwidthMbps);
  }

  /** Fraction of this capacity that {@code used} takes, averaged over the three dimensions. */
  public double utilisation(Capacity used) {
    return (ratio(used.cpu, cpu) + ratio(used.ramMb, ramMb) + ratio(used.bandwidthMbps, bandwidthMbps)) / 3;
  }

  private static double ratio(double used, double total) {
    return total <= 0 ? 1 : used / total;
  }

  public JsonObject toJson() {
    return new JsonObject().put("cpu", cpu).put("ramMb", ramMb).put("bandwidthMbps", bandwidthMbps);
  }

  public static Capacity fromJson(JsonObject json) {
    return new Capacity(json.getDouble("cpu"), json.getLong("ramMb"), json.getDouble("bandwidthMbps"));
  }
}
