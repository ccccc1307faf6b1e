package io.rainhub.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The small pieces the sessions are made of: hub addresses, backoff, frames, commands, script inputs. */
class ProtocolPartsTest {

  @Test
  void theHubUriGivesTlsHostPortAndBasePathForBothTransports() {
    assertThat(HubEndpoint.parse("ws://hub.example:8080")).isEqualTo(new HubEndpoint(false, "hub.example", 8080, ""));
    assertThat(HubEndpoint.parse("https://hub.example/rain/")).isEqualTo(new HubEndpoint(true, "hub.example", 443, "/rain"));
    assertThat(HubEndpoint.parse("wss://[::1]:9443").host()).isEqualTo("::1");
    HubEndpoint plain = HubEndpoint.parse("http://10.0.0.1");
    assertThat(plain.port()).isEqualTo(80);
    assertThat(plain.webSocketUri()).isEqualTo("ws://10.0.0.1:80/agents/ws");
    assertThat(HubEndpoint.parse("wss://h:1/base").httpUri()).isEqualTo("https://h:1/base/agents/http");
    assertThatThrownBy(() -> HubEndpoint.parse("ftp://h")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HubEndpoint.parse("hub:8080")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailedHubIsLeftForTheNextAtOnceAndOnlyAFullRoundOfFailuresBacksOff() {
    HubEndpoints hubs = HubEndpoints.parse("ws://a:1,ws://b:2,ws://c:3");
    HubEndpoints.Cursor cursor = hubs.cursor(4);
    // A base far above the failover jitter: a delay from the backoff is told apart from a failover.
    Backoff backoff = new Backoff(1_000_000_000L, 1_000_000_000L);
    assertThat(cursor.current().host()).as("4 mod 3").isEqualTo("b");

    assertThat(cursor.failed(backoff, 0)).isBetween(1L, HubEndpoints.FAILOVER_JITTER_MS);
    assertThat(cursor.current().host()).isEqualTo("c");
    assertThat(cursor.failed(backoff, 0)).isBetween(1L, HubEndpoints.FAILOVER_JITTER_MS);
    assertThat(cursor.current().host()).isEqualTo("a");
    assertThat(cursor.failed(backoff, 0)).as("every hub failed: back off").isGreaterThan(HubEndpoints.FAILOVER_JITTER_MS);
    assertThat(cursor.current().host()).isEqualTo("b");
    assertThat(cursor.failed(backoff, 0)).as("a new round").isBetween(1L, HubEndpoints.FAILOVER_JITTER_MS);
    cursor.welcomed();
    assertThat(cursor.failed(backoff, 0)).isBetween(1L, HubEndpoints.FAILOVER_JITTER_MS);
    assertThat(cursor.failed(backoff, 0)).isBetween(1L, HubEndpoints.FAILOVER_JITTER_MS);
    assertThat(cursor.current().host()).isEqualTo("b");

    HubEndpoints.Cursor single = HubEndpoints.parse("ws://a:1").cursor(0);
    assertThat(single.failed(new Backoff(1_000_000_000L, 1_000_000_000L), 0)).as("one hub: every failure backs off")
        .isGreaterThan(HubEndpoints.FAILOVER_JITTER_MS);
    assertThat(single.current().host()).isEqualTo("a");
    assertThatThrownBy(() -> HubEndpoints.parse("ws://a:1,https://b")).hasMessageContaining("must all use TLS");
    assertThatThrownBy(() -> HubEndpoints.parse("ws://a:1,ws:/b")).hasMessageContaining("ws:/b");
    assertThatThrownBy(() -> HubEndpoints.parse(" , ")).hasMessageContaining("no hub given");
  }

  @Test
  void backoffDelaysStayUnderADoublingCeilingUpToTheCapAndResetAfterASuccess() {
    Backoff backoff = new Backoff(250, 15_000);
    long[] ceilings = {250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000};
    for (long ceiling : ceilings) {
      assertThat(backoff.nextDelayMs()).isBetween(0L, ceiling);
    }
    IntStream.range(0, 100).forEach(i -> assertThat(backoff.nextDelayMs()).isBetween(0L, 15_000L));
    backoff.reset();
    assertThat(backoff.nextDelayMs()).isBetween(0L, 250L);
    // Full jitter: the fifth delay in a row is spread over [0, 4000], well past the base.
    long highest = IntStream.range(0, 200).mapToLong(i -> {
      Backoff fresh = new Backoff(250, 15_000);
      IntStream.range(0, 4).forEach(skip -> fresh.nextDelayMs());
      return fresh.nextDelayMs();
    }).max().orElseThrow();
    assertThat(highest).isBetween(2_000L, 4_000L);
  }

  @Test
  void framesCarryTypeUniqueIdSequenceTimeAndBody() {
    JsonObject frame = Frames.frame(Frames.ACK, 7, new JsonObject().put("commandId", "c"));
    assertThat(frame.fieldNames()).containsExactlyInAnyOrder("type", "id", "seq", "ts", "body");
    assertThat(UUID.fromString(frame.getString("id")).version()).isEqualTo(4);
    assertThat(frame.getLong("seq")).isEqualTo(7);
    assertThat(IntStream.range(0, 10_000).mapToObj(i -> Frames.newId()).distinct()).hasSize(10_000);
  }

  @Test
  void aCommandFrameNeedsItsFieldsAndMayExpireInEitherTimeEncoding() {
    JsonObject body = new JsonObject().put("commandId", "c-1").put("action", "guest")
        .put("args", new JsonObject().put("command", "true")).put("expiresAt", 1_000L);
    Command command = Command.fromFrame(Frames.frame(Frames.COMMAND, 3, body));
    assertThat(command).isEqualTo(new Command("c-1", 3, "guest", new JsonObject().put("command", "true"), 1_000L));
    assertThat(command.expired(1_001)).isTrue();
    assertThat(command.expired(999)).isFalse();
    assertThat(Command.fromFrame(Frames.frame(Frames.COMMAND, 3, body.copy().put("expiresAt", "1970-01-01T00:00:02Z")))
        .expiresAt()).isEqualTo(2_000L);
    assertThat(Command.fromFrame(Frames.frame(Frames.COMMAND, 3, body.copy().putNull("expiresAt"))).expired(
        Long.MAX_VALUE)).isFalse();
    assertThatThrownBy(() -> Command.fromFrame(Frames.frame(Frames.COMMAND, 3, body.copy().putNull("commandId"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Command.fromFrame(Frames.frame(Frames.COMMAND, 3, body.copy().put("args", "x"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void argsBecomeScriptInputsFlattenedWithUnderscores() {
    JsonObject args = new JsonObject().put("instanceId", "i-1").put("generation", 4)
        .put("resources", new JsonObject().put("cpu", 0.5).put("ramMb", 512))
        .put("tags", new JsonArray().add("a").add("b"))
        .put("bad-name", "x").putNull("role");
    assertThat(ScriptInputs.flatten(args)).containsExactly(
        entry("instanceId", "i-1"), entry("generation", "4"),
        entry("resources_cpu", "0.5"), entry("resources_ramMb", "512"),
        entry("tags", "[\"a\",\"b\"]"));
  }
}
