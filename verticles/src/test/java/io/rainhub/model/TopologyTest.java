package io.rainhub.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyTest {

  @TempDir
  Path dir;

  private Topology shop(JsonObject doc) {
    return new TopologyValidator(RecipeFixture.load(dir)).validate(doc);
  }

  private static List<String> names(List<ComponentSpec> components) {
    return components.stream().map(ComponentSpec::name).toList();
  }

  @Test
  void jsonRoundTripKeepsEverything() {
    JsonObject doc = TopologyValidatorTest.shop();
    doc.getJsonArray("components").getJsonObject(1).put("flavor", "small").put("anti_affinity_group", "web")
        .put("submodules", new JsonArray().add(new JsonObject().put("role", "worker").put("name", "jobs").put("size", 2)
            .put("settings", new JsonObject().put("threads", 1))));
    Topology topology = shop(doc);

    JsonObject stored = new JsonObject(topology.toJson().encode());
    Topology back = Topology.fromJson(stored);

    assertThat(back).isEqualTo(topology);
    assertThat(stored.getJsonArray("components").getJsonObject(1).getJsonArray("depends_on")).containsExactly("db");
    assertThat(back.component("app").orElseThrow().groups()).extracting(NodeGroup::role).containsExactly("default", "worker");
  }

  @Test
  void topologicalOrderPutsDependenciesFirst() {
    JsonObject doc = new JsonObject("""
        {"name": "t", "availability_zone": "z", "components": [
          {"name": "lb", "type": "haproxy", "version": "1.0", "size": 1, "depends_on": ["app", "cache"]},
          {"name": "app", "type": "webapp", "version": "1.0", "size": 1, "depends_on": "db"},
          {"name": "cache", "type": "webapp", "version": "1.0", "size": 1},
          {"name": "db", "type": "postgresql", "version": "1.0", "size": 1}
        ]}""");
    Topology topology = shop(doc);

    assertThat(names(topology.topologicalOrder())).containsExactly("cache", "db", "app", "lb");
    assertThat(names(topology.dependantsOf("db"))).containsExactly("app");
    assertThat(names(topology.dependantsOf("cache"))).containsExactly("lb");
    assertThat(topology.dependantsOf("lb")).isEmpty();
  }

  @Test
  void recordsCopyWhatTheyAreGiven() {
    JsonObject settings = new JsonObject().put("a", 1);
    NodeGroup group = new NodeGroup("default", "app", 1, null, null, settings);
    settings.put("a", 2);
    group.settings().put("a", 3);

    assertThat(group.settings().getInteger("a")).isEqualTo(1);
  }
}
