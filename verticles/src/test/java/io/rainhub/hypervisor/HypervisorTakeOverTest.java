package io.rainhub.hypervisor;

import static io.rainhub.hypervisor.CloudFixture.AGENT_TTL_MS;
import static io.rainhub.hypervisor.CloudFixture.COMMAND_EXPIRY_MS;
import static io.rainhub.hypervisor.CloudFixture.HEARTBEAT_INTERVAL_MS;
import static io.rainhub.hypervisor.CloudFixture.RECONNECT_MAX_MS;
import static io.rainhub.hypervisor.CloudFixture.RESOURCES;
import static io.rainhub.hypervisor.CloudFixture.eventTypes;
import static io.rainhub.hypervisor.CloudFixture.mothershipBody;
import static io.rainhub.hypervisor.CloudFixture.result;
import static io.rainhub.hypervisor.CloudFixture.sqls;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What a hub taking over (at start, or reloading after a failed write) makes of the maps it loaded. */
class HypervisorTakeOverTest {

  private final CloudFixture cloud = new CloudFixture();

  /** An instance on the agent mothership, stopped: STOPPING while its agent has not confirmed. */
  private Instance stoppingOn(String mothership) {
    Instance instance = cloud.shopInstance(1);
    cloud.stop(instance);
    assertThat(cloud.state.instance(instance.id()).state()).isEqualTo(InstanceState.STOPPING);
    assertThat(cloud.state.reservedOn(mothership)).isEqualTo(RESOURCES);
    return instance;
  }

  @Test
  void aStoppingInstanceWithNoPendingStopInTheLoadedOutboxIsRemoved() {
    String m = cloud.agentMothership("m", 8);
    Instance instance = stoppingOn(m);

    Change leftovers = cloud.reload(new Outbox(COMMAND_EXPIRY_MS));

    assertThat(cloud.state.instance(instance.id())).isNull();
    assertThat(cloud.state.reservedOn(m)).isEqualTo(Capacity.ZERO);
    assertThat(sqls(leftovers)).containsExactly(CloudSql.DELETE_PLACEMENTS_OF_INSTANCE, CloudSql.DELETE_INSTANCE);
    assertThat(eventTypes(leftovers)).containsExactly("instance.stopped");
  }

  @Test
  void aStoppingInstanceWithAPendingStopKeepsWaitingForIt() {
    String m = cloud.agentMothership("m", 8);
    Instance instance = stoppingOn(m);
    Outbox loaded = new Outbox(COMMAND_EXPIRY_MS);
    cloud.outbox.pendingFor(m).forEach(loaded::restorePending);
    AgentCommand stop = cloud.outbox.pendingFor(m).stream().filter(c -> c.action().equals("stop")).findFirst()
        .orElseThrow();

    Change leftovers = cloud.reload(loaded);

    assertThat(leftovers.isEmpty()).isTrue();
    assertThat(cloud.state.instance(instance.id()).state()).isEqualTo(InstanceState.STOPPING);
    assertThat(cloud.state.reservedOn(m)).isEqualTo(RESOURCES);

    Change confirmed = cloud.fleet().commandResult(result(stop, "succeeded")).change();

    assertThat(cloud.state.instance(instance.id())).isNull();
    assertThat(eventTypes(confirmed)).containsExactly("command.succeeded", "instance.stopped");
  }

  @Test
  void restRegistrationsGetAFullTtlFromTheTakeOver() {
    String m = cloud.restMothership(mothershipBody("m", 8).put("ttlSeconds", 10));
    cloud.advance(8_000);

    cloud.reload(new Outbox(COMMAND_EXPIRY_MS));
    cloud.advance(8_000);

    assertThat(cloud.registry().expireOverdue(cloud.now())).as("10 s after the takeover, not after registering")
        .isEmpty();
    cloud.advance(2_000);
    assertThat(cloud.registry().expireOverdue(cloud.now())).hasSize(1);
    assertThat(cloud.state.mothership(m).state()).isEqualTo(NodeState.EXPIRED);
  }

  @Test
  void agentNodesGetTheLongestReconnectWaitPlusAFullTtlFromTheTakeOver() {
    String m = cloud.agentMothership("m", 8);
    cloud.advance(AGENT_TTL_MS - 500);

    cloud.reload(new Outbox(COMMAND_EXPIRY_MS));
    cloud.advance(RECONNECT_MAX_MS + 2 * HEARTBEAT_INTERVAL_MS - 1);

    assertThat(cloud.fleet().watchHeartbeats(cloud.now()).isEmpty())
        .as("an agent still backing off from the old hub is not SUSPECT yet").isTrue();
    assertThat(cloud.state.mothership(m).state()).isEqualTo(NodeState.AVAILABLE);
    cloud.advance(AGENT_TTL_MS - 2 * HEARTBEAT_INTERVAL_MS);
    cloud.fleet().watchHeartbeats(cloud.now());
    assertThat(cloud.state.mothership(m).state()).as("nor LOST before the wait plus the TTL")
        .isNotEqualTo(NodeState.LOST);
    cloud.advance(1);
    cloud.fleet().watchHeartbeats(cloud.now());
    assertThat(cloud.state.mothership(m).state()).isEqualTo(NodeState.LOST);
  }

  @Test
  void anAgentHeardAfterTheTakeOverIsWatchedFromThenOnAsUsual() {
    String m = cloud.agentMothership("m", 8);
    cloud.reload(new Outbox(COMMAND_EXPIRY_MS));
    cloud.advance(100);
    cloud.fleet().heartbeat(new JsonObject().put("nodeId", m));

    cloud.advance(AGENT_TTL_MS);
    cloud.fleet().watchHeartbeats(cloud.now());

    assertThat(cloud.state.mothership(m).state()).as("back, then silent for a TTL: LOST, no grace left")
        .isEqualTo(NodeState.LOST);
  }

  @Test
  void aLostNodeStaysLostAndUnwatchedAcrossTheTakeOver() {
    String m = cloud.agentMothership("m", 8);
    cloud.loseAfterSilence(m);

    cloud.reload(new Outbox(COMMAND_EXPIRY_MS));
    cloud.advance(10 * AGENT_TTL_MS);

    assertThat(cloud.fleet().watchHeartbeats(cloud.now()).isEmpty()).as("no second node.lost").isTrue();
    assertThat(cloud.state.mothership(m).state()).isEqualTo(NodeState.LOST);
  }
}
