package io.rainhub.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class AgentStateTest {

  @TempDir
  Path dir;

  private static JsonObject result(String commandId, long seq, String status, int exitCode, String line) {
    return new JsonObject().put("commandId", commandId).put("seq", seq).put("status", status)
        .put("exitCode", exitCode).put("output", new JsonArray().add(line));
  }

  @Test
  void aSavedStateLoadsBackTheSameAndLeavesNoTemporaryFile(Vertx vertx) throws Exception {
    FileStateStore store = new FileStateStore(vertx, dir.resolve("node-a"));
    AgentState state = store.load();
    assertThat(state.nodeId()).isNull();
    assertThat(state.lastCommandSeq()).isZero();
    state.nodeId("n-1");
    state.commandStarted("c-1", 1, "guest");
    state.commandFinished("c-1", 1, "guest", result("c-1", 1, AgentState.SUCCEEDED, 0, "hello"));
    state.putInstance("i-1", new JsonObject().put("componentId", "cart").put("version", "1.0")
        .put("generation", 3).put("state", "RUNNING"));
    state.addWire("m-1", "10.0.0.1");
    store.save(state).await();

    assertThat(Files.list(dir.resolve("node-a")).map(path -> path.getFileName().toString()))
        .containsExactly(FileStateStore.FILE_NAME);
    AgentState loaded = store.load();
    assertThat(loaded.toJson()).isEqualTo(state.toJson());
    assertThat(loaded.nodeId()).isEqualTo("n-1");
    assertThat(loaded.lastCommandSeq()).isEqualTo(1);
    assertThat(loaded.commandStatus("c-1")).isEqualTo(AgentState.SUCCEEDED);
    assertThat(loaded.storedResult("c-1")).isEqualTo(result("c-1", 1, AgentState.SUCCEEDED, 0, "hello"));
    assertThat(loaded.instanceReports()).containsExactly(
        new JsonObject().put("instanceId", "i-1").put("state", "RUNNING").put("generation", 3));
    assertThat(loaded.wires()).containsEntry("m-1", "10.0.0.1");
  }

  @Test
  void aCommandStillStartedWhenTheAgentDiedLoadsAsInterrupted() {
    AgentState before = AgentState.fromJson(new JsonObject());
    before.commandStarted("c-7", 7, "instantiate");

    AgentState after = AgentState.fromJson(before.toJson());

    assertThat(after.commandStatus("c-7")).isEqualTo(AgentState.FAILED);
    assertThat(after.lastCommandSeq()).isEqualTo(7);
    assertThat(after.storedResult("c-7")).isEqualTo(new JsonObject().put("commandId", "c-7").put("seq", 7L)
        .put("status", "failed").put("output", new JsonArray().add(AgentState.INTERRUPTED)));
  }

  @Test
  void onlyTheNewestCommandsAreRememberedAndOnlyTheNewestResultsKeepTheirOutput() {
    AgentState state = AgentState.fromJson(new JsonObject());
    int total = AgentState.MAX_COMMANDS + 5;
    for (int seq = 1; seq <= total; seq++) {
      state.commandStarted("c-" + seq, seq, "guest");
      state.commandFinished("c-" + seq, seq, "guest", result("c-" + seq, seq, AgentState.FAILED, 2, "out " + seq));
    }
    assertThat(state.commandStatus("c-5")).isNull();
    assertThat(state.commandStatus("c-6")).isEqualTo(AgentState.FAILED);
    assertThat(state.toJson().getJsonArray("commands")).hasSize(AgentState.MAX_COMMANDS);
    assertThat(state.storedResult("c-" + total).getJsonArray("output")).containsExactly("out " + total);
    assertThat(state.storedResult("c-6")).isEqualTo(new JsonObject().put("commandId", "c-6").put("seq", 6L)
        .put("status", "failed").put("output", new JsonArray().add(AgentState.OUTPUT_DROPPED)).put("exitCode", 2));
    assertThat(AgentState.fromJson(state.toJson()).toJson()).isEqualTo(state.toJson());
  }
}
