package io.rainhub.agent;

import static io.rainhub.agent.FakeHub.awaitThat;
import static io.rainhub.agent.FakeHub.command;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.agent.FakeHub.Received;
import io.rainhub.agent.sim.AgentSimulator;
import io.rainhub.agent.sim.BlastResult;
import io.rainhub.agent.sim.SimulatorOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Fifty simulated agents in this JVM against {@link FakeHub}, over real sockets. */
@ExtendWith(VertxExtension.class)
class SimulatorTest {

  private static final int COUNT = 50;

  @Test
  void fiftyAgentsRampUpAreWelcomedHeartbeatRunCommandsAndFloodTheHub(Vertx vertx) throws Exception {
    FakeHub hub = FakeHub.start(vertx);
    AgentSimulator simulator = new AgentSimulator(vertx, new SimulatorOptions()
        .setHub(hub.wsUri()).setToken("T").setCount(COUNT).setHeartbeatMs(300).setConnectRatePerSecond(100));

    simulator.start().await(15, TimeUnit.SECONDS);

    assertThat(simulator.counters().welcomed()).isEqualTo(COUNT);
    assertThat(simulator.counters().connected()).isEqualTo(COUNT);
    List<Received> hellos = hub.frames(Frames.HELLO);
    assertThat(hellos).extracting(hello -> hello.body().getString("name"))
        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, COUNT).mapToObj(i -> "sim-" + i).toList());
    assertThat(hellos.get(0).body().getJsonObject("labels")).isEqualTo(new JsonObject().put("simulated", "true"));
    assertThat(hellos.get(0).body().getJsonObject("capacity").getInteger("ramMb")).isEqualTo(8192);
    // 50 agents at 100 a second: the ramp takes about half a second.
    assertThat(Duration.ofNanos(hellos.get(COUNT - 1).nanos() - hellos.get(0).nanos()))
        .isGreaterThan(Duration.ofMillis(350));

    for (int i = 1; i <= COUNT; i++) {
      String nodeId = "node-sim-" + i;
      awaitThat(() -> hub.frames(nodeId, Frames.HEARTBEAT).size() >= 2, Duration.ofSeconds(5),
          "two heartbeats from " + nodeId);
    }
    List<Long> firstHeartbeats = IntStream.rangeClosed(1, COUNT)
        .mapToObj(i -> hub.frames("node-sim-" + i, Frames.HEARTBEAT).get(0).nanos()).sorted().toList();
    assertThat(Duration.ofNanos(firstHeartbeats.get(COUNT - 1) - firstHeartbeats.get(0)))
        .as("heartbeats spread over the interval").isGreaterThan(Duration.ofMillis(100));

    hub.push("node-sim-7", command("c-1", 1, "guest", new JsonObject().put("command", "uname -a")));
    hub.push("node-sim-8", command("c-2", 1, "instantiate", new JsonObject().put("instanceId", "i-1")
        .put("componentId", "cart").put("version", "1.0").put("generation", 5)));
    awaitThat(() -> hub.frames(Frames.RESULT).size() == 2, Duration.ofSeconds(5), "two results");
    assertThat(hub.frames("node-sim-7", Frames.RESULT).get(0).body()).isEqualTo(new JsonObject()
        .put("commandId", "c-1").put("seq", 1).put("status", "succeeded").put("output", new JsonArray().add("uname -a"))
        .put("exitCode", 0));
    awaitThat(() -> hub.frames("node-sim-8", Frames.HEARTBEAT).stream()
            .anyMatch(heartbeat -> !heartbeat.body().getJsonArray("instances").isEmpty()),
        Duration.ofSeconds(5), "a heartbeat with the instance");
    assertThat(simulator.counters().commandsExecuted()).isEqualTo(2);

    long heartbeatsBefore = hub.heartbeats.get();
    BlastResult blast = simulator.blast(Duration.ofSeconds(1)).await(10, TimeUnit.SECONDS);
    assertThat(blast.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(3));
    assertThat(blast.frames()).isGreaterThan(1_000);
    assertThat(blast.framesPerSecond()).isGreaterThan(1_000);
    awaitThat(() -> hub.heartbeats.get() >= heartbeatsBefore + blast.frames(), Duration.ofSeconds(10),
        "the hub to read every flooded frame");

    simulator.stop().await(10, TimeUnit.SECONDS);
    assertThat(simulator.counters().connected()).isZero();
    assertThat(simulator.counters().errors()).isZero();
  }

  @Test
  void byDefaultSimulatedAgentsHeartbeatAtTheIntervalTheHubsWelcomeGives(Vertx vertx) throws Exception {
    FakeHub hub = FakeHub.start(vertx);
    hub.heartbeatIntervalMs = 250;
    SimulatorOptions defaults = new SimulatorOptions().setHub(hub.wsUri()).setToken("T").setCount(2);
    assertThat(defaults.getHeartbeatMs()).as("0: follow the hub").isZero();
    AgentSimulator simulator = new AgentSimulator(vertx, defaults);

    simulator.start().await(15, TimeUnit.SECONDS);
    awaitThat(() -> hub.frames("node-sim-1", Frames.HEARTBEAT).size() >= 6, Duration.ofSeconds(5),
        "six heartbeats from node-sim-1");

    List<Long> at = hub.frames("node-sim-1", Frames.HEARTBEAT).stream().map(Received::nanos).toList();
    Duration fiveIntervals = Duration.ofNanos(at.get(5) - at.get(0));
    assertThat(fiveIntervals).as("five intervals of the hub's 250 ms, not the old 5 s default")
        .isBetween(Duration.ofMillis(900), Duration.ofMillis(2_500));
    simulator.stop().await(10, TimeUnit.SECONDS);
  }
}
