package io.rainhub.hypervisor;

import static io.rainhub.hypervisor.CloudFixture.eventTypes;
import static io.rainhub.hypervisor.CloudFixture.sqls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class NodeCommandsTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final OffsetDateTime CREATED = OffsetDateTime.ofInstant(NOW, ZoneOffset.UTC);

  private final CloudState state = new CloudState();
  private final Outbox outbox = new Outbox(60_000);
  private final NodeCommands commands = new NodeCommands(state, outbox, new TimeSource(Clock.fixed(NOW, ZoneOffset.UTC)));
  private final Change change = new Change();

  /** A mothership record, REST-registered or (with an agent) agent-managed. */
  private String mothership(String id, NodeState nodeState, boolean agent) {
    state.putMothership(new Mothership(id, id, id + ":7000", new Capacity(8, 8192, 1000), new JsonObject(), null,
        null, nodeState, false, CREATED));
    if (agent) {
      state.putAgentNode(new AgentNode(id, AgentNode.NodeKind.MOTHERSHIP, id, id + ":7000", "1.4.0", nodeState,
          CREATED));
    }
    return id;
  }

  private AgentCommand refresh(String nodeId) {
    return commands.command(nodeId, "refresh", new JsonObject().put("instanceId", "i1"), change);
  }

  @Test
  void aNodeWithoutAnAgentGetsNoCommand() {
    String rest = mothership("rest", NodeState.AVAILABLE, false);

    assertThat(refresh(rest)).isNull();

    assertThat(change.isEmpty()).isTrue();
    assertThat(change.toDeliver()).isEmpty();
    assertThat(outbox.pendingFor(rest)).isEmpty();
  }

  @Test
  void aLostOrExpiredNodeGetsNoCommand() {
    String lost = mothership("lost", NodeState.LOST, true);
    String expired = mothership("expired", NodeState.EXPIRED, true);

    assertThat(refresh(lost)).isNull();
    assertThat(refresh(expired)).isNull();

    assertThat(change.isEmpty()).isTrue();
    assertThat(outbox.pendingFor(lost)).isEmpty();
  }

  @Test
  void aSuspectNodeStillGetsItsCommands() {
    String suspect = mothership("suspect", NodeState.SUSPECT, true);

    assertThat(refresh(suspect)).isNotNull();

    assertThat(outbox.pendingFor(suspect)).hasSize(1);
  }

  @Test
  void aGenericNodeWithAnAgentGetsCommands() {
    state.putAgentNode(new AgentNode("probe", AgentNode.NodeKind.GENERIC, "probe", "probe:7000", "1.4.0",
        NodeState.AVAILABLE, CREATED));

    assertThat(refresh("probe")).isNotNull();
  }

  @Test
  void commandsGetAGaplessSequencePerNode() {
    String one = mothership("one", NodeState.AVAILABLE, true);
    String two = mothership("two", NodeState.AVAILABLE, true);
    String rest = mothership("rest", NodeState.AVAILABLE, false);

    Stream.of(one, rest, one, two, rest, one).forEach(this::refresh);

    assertThat(outbox.pendingFor(one)).extracting(AgentCommand::seq).containsExactly(1L, 2L, 3L);
    assertThat(outbox.pendingFor(two)).extracting(AgentCommand::seq).containsExactly(1L);
    assertThat(change.toDeliver()).extracting(AgentCommand::nodeId, AgentCommand::seq)
        .containsExactly(tuple(one, 1L), tuple(one, 2L), tuple(two, 1L), tuple(one, 3L));
    assertThat(sqls(change)).containsOnly(Outbox.INSERT).hasSize(4);
    assertThat(eventTypes(change)).containsOnly("command.queued").hasSize(4);
  }

  @Test
  void numberingGoesOnFromTheLastStoredSequence() {
    String one = mothership("one", NodeState.AVAILABLE, true);
    outbox.restoreLastSeq(one, 41);

    assertThat(refresh(one).seq()).isEqualTo(42);
  }

  @Test
  void aQueuedCommandIsPendingUntilItsExpiryAndSentOnlyOnceStored() {
    String one = mothership("one", NodeState.AVAILABLE, true);

    AgentCommand queued = refresh(one);

    assertThat(queued.state()).isEqualTo(AgentCommand.PENDING);
    assertThat(queued.createdAt()).isEqualTo(CREATED);
    assertThat(queued.expiresAt()).isEqualTo(CREATED.plusMinutes(1));
    assertThat(queued.args().getString("instanceId")).isEqualTo("i1");
    assertThat(outbox.storedPendingFor(one)).as("its insert is not committed yet").isEmpty();
    outbox.stored(queued.id());
    assertThat(outbox.storedPendingFor(one)).containsExactly(queued);
  }
}
