package io.rainhub.hypervisor;

import java.util.Locale;

/**
 * How the hypervisor chooses among motherships that can take an instance. {@code SPREAD} picks the
 * least utilised after placement (even load, failures hurt less); {@code BINPACK} the most utilised
 * (fewer busy machines). Ties go to the smallest id, so decisions are reproducible.
 */
public enum PlacementStrategy {
  SPREAD, BINPACK;

  /** True when {@code candidate} (utilisation after placement) beats {@code best}. */
  boolean prefers(double candidate, String candidateId, double best, String bestId) {
    int order = this == SPREAD ? Double.compare(candidate, best) : Double.compare(best, candidate);
    return order < 0 || order == 0 && candidateId.compareTo(bestId) < 0;
  }

  public static PlacementStrategy parse(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
