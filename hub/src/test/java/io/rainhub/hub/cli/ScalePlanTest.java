package io.rainhub.hub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalePlanTest {

  @Test
  void threeToOneRemovesTheTwoNewestNodesNewestFirst() {
    // Listed out of order, and -10 is newer than -9 (a number, not text).
    List<JsonObject> nodes = List.of(node("n10", "shop-app-10", null), node("n1", "shop-app-1", null),
        node("n9", "shop-app-9", null));
    ScalePlan plan = ScalePlan.of(nodes, 1, null);
    assertThat(plan.current()).isEqualTo(3);
    assertThat(plan.add()).isZero();
    assertThat(plan.remove()).extracting(n -> n.getString("id")).containsExactly("n10", "n9");
  }

  @Test
  void oneToThreeAddsTwo() {
    ScalePlan plan = ScalePlan.of(List.of(node("n1", "shop-app-1", null)), 3, null);
    assertThat(plan.add()).isEqualTo(2);
    assertThat(plan.remove()).isEmpty();
    assertThat(plan.nothingToDo()).isFalse();
  }

  @Test
  void theSameCountIsNothingToDoAndZeroRemovesAll() {
    List<JsonObject> nodes = List.of(node("n1", "shop-app-1", null), node("n2", "shop-app-2", null));
    assertThat(ScalePlan.of(nodes, 2, null).nothingToDo()).isTrue();
    assertThat(ScalePlan.of(nodes, 0, null).remove()).extracting(n -> n.getString("id")).containsExactly("n2", "n1");
    assertThat(ScalePlan.of(List.of(), 2, null).add()).isEqualTo(2);
  }

  @Test
  void aRoleCountsAndRemovesOnlyItsNodesAndIsNeededWhenThereAreSeveral() {
    List<JsonObject> nodes = List.of(node("n1", "shop-db-1", "primary"), node("n2", "shop-db-2", "replica"),
        node("n3", "shop-db-3", "replica"), node("n4", "shop-db-4", "primary"));
    assertThat(ScalePlan.of(nodes, 1, "replica").remove()).extracting(n -> n.getString("id")).containsExactly("n3");
    assertThat(ScalePlan.of(nodes, 4, "primary").add()).isEqualTo(2);
    assertThat(ScalePlan.of(nodes, 0, "witness").nothingToDo()).isTrue();
    assertThatThrownBy(() -> ScalePlan.of(nodes, 1, null)).isInstanceOf(CliException.class)
        .hasMessage("the component's nodes have 2 roles (primary, replica); give --role");
    assertThatThrownBy(() -> ScalePlan.of(nodes, -1, "replica")).hasMessage("--count must be 0 or more, not -1");
  }

  private static JsonObject node(String id, String name, String role) {
    return new JsonObject().put("id", id).put("name", name).put("role", role).put("state", "RUNNING");
  }
}
