package io.rainhub.hypervisor;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses motherships for an instance and, when none fits, says why like a scheduler does: how many
 * motherships each constraint ruled out.
 */
final class Placer {

  private final CloudState state;
  private final PlacementStrategy strategy;

  Placer(CloudState state, PlacementStrategy strategy) {
    this.state = state;
    this.strategy = strategy;
  }

  /** Either the chosen motherships, or the reasons none (or too few) could be chosen. */
  record Outcome(List<String> chosen, JsonObject ruledOut, int considered) {
    boolean placed() {
      return ruledOut == null;
    }
  }

  /**
   * Picks {@code count} distinct motherships for one instance of {@code component}, avoiding
   * {@code excluded} (motherships that already hold it). Reserves nothing: the caller records the
   * placement in {@link CloudState} before the next decision.
   */
  Outcome choose(WebComponent component, int count, Set<String> excluded) {
    Capacity need = component.resources();
    List<String> chosen = new ArrayList<>(count);
    Set<String> taken = new HashSet<>(excluded);
    JsonObject ruledOut = null;
    int considered = 0;
    for (int n = 0; n < count; n++) {
      Counts counts = new Counts();
      Mothership best = null;
      double bestScore = 0;
      for (Mothership candidate : state.motherships()) {
        Capacity reserved = state.reservedOn(candidate.id());
        if (!fits(candidate, reserved, component, need, taken, counts)) {
          continue;
        }
        double score = candidate.capacity().utilisation(reserved.plus(need));
        if (best == null || strategy.prefers(score, candidate.id(), bestScore, best.id())) {
          best = candidate;
          bestScore = score;
        }
      }
      considered = counts.considered;
      if (best == null) {
        ruledOut = counts.toJson();
        break;
      }
      chosen.add(best.id());
      taken.add(best.id());
    }
    return new Outcome(chosen, ruledOut, considered);
  }

  /** Checks one requested mothership for one more placement of {@code component}. */
  Outcome chooseOnly(WebComponent component, String mothershipId) {
    Counts counts = new Counts();
    Mothership target = state.mothership(mothershipId);
    if (fits(target, state.reservedOn(mothershipId), component, component.resources(), Set.of(), counts)) {
      return new Outcome(List.of(mothershipId), null, 1);
    }
    return new Outcome(List.of(), counts.toJson(), 1);
  }

  private boolean fits(Mothership candidate, Capacity reserved, WebComponent component, Capacity need,
      Set<String> taken, Counts counts) {
    counts.considered++;
    if (!candidate.available()) {
      counts.unavailable++;
      return false;
    }
    if (candidate.draining()) {
      counts.draining++;
      return false;
    }
    if (taken.contains(candidate.id())) {
      counts.alreadyHosting++;
      return false;
    }
    if (!candidate.satisfies(component.requiredLabels())) {
      counts.labels++;
      return false;
    }
    Capacity free = candidate.capacity().minus(reserved);
    boolean fits = true;
    if (free.cpu() < need.cpu()) {
      counts.cpu++;
      fits = false;
    }
    if (free.ramMb() < need.ramMb()) {
      counts.ramMb++;
      fits = false;
    }
    if (free.bandwidthMbps() < need.bandwidthMbps()) {
      counts.bandwidthMbps++;
      fits = false;
    }
    return fits;
  }

  /** Motherships ruled out per constraint; capacity dimensions count every one a node lacks. */
  private static final class Counts {
    int considered;
    int unavailable;
    int draining;
    int alreadyHosting;
    int labels;
    int cpu;
    int ramMb;
    int bandwidthMbps;

    JsonObject toJson() {
      return new JsonObject().put("considered", considered).put("unavailable", unavailable)
          .put("draining", draining).put("alreadyHostingThisInstance", alreadyHosting)
          .put("missingLabels", labels).put("insufficientCpu", cpu).put("insufficientRamMb", ramMb)
          .put("insufficientBandwidthMbps", bandwidthMbps);
    }
  }

  /** The refusal when {@code outcome} found no room: 503 with no mothership at all, else 409 with what ruled them out. */
  static Refusal noRoom(WebComponent component, Placer.Outcome outcome, int wanted) {
    Capacity need = component.resources();
    JsonObject ruledOut = outcome.ruledOut();
    boolean noMotherships = ruledOut.getInteger("considered") == 0;
    String detail = noMotherships
        ? "No mothership is registered: nothing can host " + component.key() + " yet."
        : "No room for " + component.key() + " (" + wanted + " placement(s) of cpu " + need.cpu() + ", ramMb "
            + need.ramMb() + ", bandwidthMbps " + need.bandwidthMbps() + "): of " + ruledOut.getInteger("considered")
            + " mothership(s), " + describe(ruledOut) + ".";
    return Refusal.of(noMotherships ? 503 : 409, detail, null, new JsonObject().put("ruledOut", ruledOut));
  }

  private static String describe(JsonObject ruledOut) {
    List<String> parts = new ArrayList<>();
    for (String key : ruledOut.fieldNames()) {
      if (!key.equals("considered") && ruledOut.getInteger(key) > 0) {
        parts.add(ruledOut.getInteger(key) + " " + key);
      }
    }
    return parts.isEmpty() ? "none fit" : String.join(", ", parts);
  }
}
