package io.rainhub.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Phases during which other processes kept the machine busy, so their figures are low. Only known
 * with the hub's pid: without it the hub's own CPU counts as "other".
 */
final class BusyPhases {

  /** Cores other processes may use before a phase's figures are called skewed. */
  static final double OTHER_CORES_LIMIT = 0.15;

  private final boolean measured;
  private final List<String> phases = new ArrayList<>();

  BusyPhases(long hubPid) {
    this.measured = hubPid > 0;
  }

  void note(String phase, double otherCores) {
    if (measured && otherCores > OTHER_CORES_LIMIT) {
      phases.add(String.format(Locale.ROOT, "%s %.2f cores", phase, otherCores));
    }
  }

  List<String> phases() {
    return phases;
  }
}
