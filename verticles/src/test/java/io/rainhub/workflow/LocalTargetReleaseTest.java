package io.rainhub.workflow;

import static io.rainhub.testing.TestHub.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Releasing a local node stops the process its placement names only while that pid is still a
 * rain-agent host of the topology's directory: a pid is reused once its process exited.
 */
class LocalTargetReleaseTest {

  private final Vertx vertx = Vertx.vertx();
  private Process process;

  @TempDir
  Path dir;

  @AfterEach
  void cleanUp() {
    if (process != null) {
      process.destroyForcibly();
    }
    await(vertx.close());
  }

  @Test
  void aPidNowOfAnotherProgramIsLeftAlone() throws Exception {
    process = new ProcessBuilder("sleep", "60").start();
    release(process.pid());
    assertThat(process.isAlive()).as("an unrelated process with the node's stored pid").isTrue();
  }

  @Test
  void theTopologysOwnHostProcessIsStopped() throws Exception {
    TopologyRecord topology = topology();
    // A stand-in host: its command line names the topology's directory as rain-agent host does.
    String base = target().dirOf(topology).toAbsolutePath().toString();
    process = new ProcessBuilder("bash", "-c", "sleep 60; true", "host", "--base-dir", base).start();
    release(process.pid());
    assertThat(process.waitFor(5, TimeUnit.SECONDS)).as("the topology's host process was stopped").isTrue();
  }

  private void release(long pid) {
    TopologyNode node = new TopologyNode("n1", "t1", "db", "shop-db-0", "default", 0, TopologyNode.State.RUNNING,
        new JsonObject(), new JsonObject(), "agent-1", new JsonObject().put("target", "local").put("pid", pid), 0, 0);
    await(target().release(topology(), node, List.of()));
  }

  private LocalTarget target() {
    return new LocalTarget(vertx, null, dir, dir.resolve("rain-agent.jar"), () -> "http://127.0.0.1:1",
        topology -> Future.succeededFuture("token"));
  }

  private static TopologyRecord topology() {
    return new TopologyRecord("t1", "tenant", null, Map.of(), TopologyRecord.State.RUNNING, null, 0, 0);
  }
}
