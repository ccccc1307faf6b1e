package io.rainhub.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacerTest {

  private static final OffsetDateTime NOW = OffsetDateTime.now();

  private static Mothership mothership(String id, double cpu, JsonObject labels) {
    return new Mothership(id, id, id + ":1", new Capacity(cpu, 8192, 1000), labels, null, null,
        NodeState.AVAILABLE, false, NOW);
  }

  private static WebComponent component(double cpu, JsonObject labels, int replicas) {
    JsonObject descriptor = new JsonObject().put("id", "c").put("version", "1")
        .put("urls", new io.vertx.core.json.JsonArray().add("/c/*"))
        .put("resources", new JsonObject().put("cpu", cpu).put("ramMb", 256).put("bandwidthMbps", 1))
        .put("labels", labels).put("replicas", replicas);
    return WebComponent.fromDescriptor(descriptor, NOW);
  }

  private static void hold(CloudState state, String mothershipId, double cpu) {
    state.putInstance(new Instance("held-" + mothershipId + cpu, "other", "1", InstanceState.PLACED, 0,
        List.of(new Instance.Placement(mothershipId, Instance.Role.PRIMARY, new Capacity(cpu, 0, 0))), NOW, null));
  }

  @Test
  void spreadPicksTheLeastUtilisedAndBinpackTheMost() {
    CloudState state = new CloudState();
    state.putMothership(mothership("a", 4, new JsonObject()));
    state.putMothership(mothership("b", 4, new JsonObject()));
    hold(state, "a", 2);
    WebComponent c = component(1, new JsonObject(), 1);
    assertThat(new Placer(state, PlacementStrategy.SPREAD).choose(c, 1, Set.of()).chosen()).containsExactly("b");
    assertThat(new Placer(state, PlacementStrategy.BINPACK).choose(c, 1, Set.of()).chosen()).containsExactly("a");
  }

  @Test
  void tiesGoToTheSmallestId() {
    CloudState state = new CloudState();
    state.putMothership(mothership("m2", 4, new JsonObject()));
    state.putMothership(mothership("m1", 4, new JsonObject()));
    assertThat(new Placer(state, PlacementStrategy.SPREAD).choose(component(1, new JsonObject(), 1), 1, Set.of())
        .chosen()).containsExactly("m1");
  }

  @Test
  void replicasLandOnDistinctMotherships() {
    CloudState state = new CloudState();
    state.putMothership(mothership("a", 100, new JsonObject()));
    state.putMothership(mothership("b", 1, new JsonObject()));
    state.putMothership(mothership("c", 100, new JsonObject()));
    Placer.Outcome outcome = new Placer(state, PlacementStrategy.BINPACK).choose(component(1, new JsonObject(), 3), 3,
        Set.of());
    assertThat(outcome.placed()).isTrue();
    assertThat(outcome.chosen()).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void aRefusalCountsWhatEachConstraintRuledOut() {
    CloudState state = new CloudState();
    state.putMothership(mothership("small", 0.5, new JsonObject().put("zone", "a")));
    state.putMothership(mothership("wrong-zone", 8, new JsonObject().put("zone", "b")));
    state.putMothership(mothership("draining", 8, new JsonObject().put("zone", "a")).withDraining(true));
    state.putMothership(mothership("gone", 8, new JsonObject().put("zone", "a")).withState(NodeState.EXPIRED));
    Placer.Outcome outcome = new Placer(state, PlacementStrategy.SPREAD)
        .choose(component(1, new JsonObject().put("zone", "a"), 1), 1, Set.of());
    assertThat(outcome.placed()).isFalse();
    JsonObject ruledOut = outcome.ruledOut();
    assertThat(ruledOut.getInteger("considered")).isEqualTo(4);
    assertThat(ruledOut.getInteger("insufficientCpu")).isEqualTo(1);
    assertThat(ruledOut.getInteger("missingLabels")).isEqualTo(1);
    assertThat(ruledOut.getInteger("draining")).isEqualTo(1);
    assertThat(ruledOut.getInteger("unavailable")).isEqualTo(1);
  }

  @Test
  void reservationsFollowPlacementsAndAreReleased() {
    CloudState state = new CloudState();
    state.putMothership(mothership("a", 2, new JsonObject()));
    WebComponent c = component(1, new JsonObject(), 1);
    Placer placer = new Placer(state, PlacementStrategy.SPREAD);
    for (int i = 0; i < 2; i++) {
      String target = placer.choose(c, 1, Set.of()).chosen().get(0);
      state.putInstance(new Instance("i" + i, "c", "1", InstanceState.PLACED, 0,
          List.of(new Instance.Placement(target, Instance.Role.PRIMARY, c.resources())), NOW, null));
    }
    assertThat(placer.choose(c, 1, Set.of()).placed()).isFalse();
    state.removeInstance("i0");
    assertThat(state.reservedOn("a").cpu()).isEqualTo(1.0);
    assertThat(placer.choose(c, 1, Set.of()).chosen()).containsExactly("a");
  }
}
