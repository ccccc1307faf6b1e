package io.rainhub.hub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamesTest {

  private static final List<JsonObject> NODES = List.of(node("a1", "m1"), node("b2", "dup"), node("c3", "dup"),
      node("m1", "other"));

  @Test
  void anIdWinsOverANameThenAUniqueNameResolves() {
    assertThat(Names.pick("mothership", "m1", NODES, "id").getString("name")).isEqualTo("other");
    assertThat(Names.pick("mothership", "b2", NODES, "id").getString("name")).isEqualTo("dup");
    assertThat(Names.pick("mothership", "other", NODES, "id").getString("id")).isEqualTo("m1");
  }

  @Test
  void unknownAndAmbiguousNamesAreClearErrors() {
    assertThatThrownBy(() -> Names.pick("mothership", "dup", NODES, "id")).isInstanceOf(CliException.class)
        .hasMessage("2 motherships are named 'dup' (b2, c3); give the id")
        .extracting(e -> ((CliException) e).exitCode()).isEqualTo(1);
    assertThatThrownBy(() -> Names.pick("rain server", "x", NODES, "id"))
        .hasMessage("no rain server named or with id 'x'");
  }

  @Test
  void problemsReadAsOneLine() {
    CliException e = HubApi.problem(400, new JsonObject().put("title", "Invalid request body").put("status", 400)
        .put("detail", "The request body has 1 invalid field(s).").put("invalid-params",
            List.of(new JsonObject().put("name", "replicas").put("reason", "must be between 1 and 16"))).encode());
    assertThat(e.getMessage()).isEqualTo(
        "Invalid request body (400): The request body has 1 invalid field(s). [replicas must be between 1 and 16]");
    assertThat(HubApi.problem(502, "<html>bad gateway</html>").getMessage()).isEqualTo("HTTP 502 (502): <html>bad gateway</html>");
  }

  private static JsonObject node(String id, String name) {
    return new JsonObject().put("id", id).put("name", name);
  }
}
