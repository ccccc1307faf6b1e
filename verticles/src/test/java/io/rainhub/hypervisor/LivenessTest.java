package io.rainhub.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class LivenessTest {

  private final Liveness liveness = new Liveness(1_000, 3_000, 15_000);

  @Test
  void aSilentNodeIsSuspectAfterTwoIntervalsAndLostAfterTheTtl() {
    liveness.heard("n1", 0);
    assertThat(liveness.silent(1_999, id -> true).isEmpty()).isTrue();
    assertThat(liveness.silent(2_000, id -> true).suspect()).containsExactly("n1");
    assertThat(liveness.silent(2_500, id -> false).suspect()).as("already suspect: not again").isEmpty();
    Liveness.Silent lost = liveness.silent(3_000, id -> false);
    assertThat(lost.lost()).containsExactly("n1");
    assertThat(liveness.silent(10_000, id -> true).isEmpty()).as("a lost node is no longer watched").isTrue();
    assertThat(liveness.lastHeard("n1")).isNull();
  }

  @Test
  void aHeartbeatRestartsTheClockAndReplacesTheRestTtl() {
    liveness.startTtl("n1", 10, 0);
    assertThat(liveness.deadline("n1")).isEqualTo(10_000);
    liveness.heard("n1", 500);
    assertThat(liveness.deadline("n1")).as("the agent's heartbeats supersede the TTL").isNull();
    liveness.heard("n1", 2_400);
    assertThat(liveness.silent(4_000, id -> true).isEmpty()).isTrue();
    assertThat(liveness.silent(5_400, id -> false).lost()).containsExactly("n1");
  }

  @Test
  void aNodeAwaitedAfterATakeOverIsNotSuspectBeforeTheReconnectWaitNorLostBeforeThatPlusTheTtl() {
    liveness.awaitReconnect("n1", 0);
    assertThat(liveness.silent(16_999, id -> true).isEmpty()).isTrue();
    assertThat(liveness.silent(17_000, id -> true).suspect()).containsExactly("n1");
    assertThat(liveness.silent(17_999, id -> false).isEmpty()).isTrue();
    assertThat(liveness.silent(18_000, id -> false).lost()).containsExactly("n1");
  }

  @Test
  void registrationsExpireOnceWhenTheirTtlRunsOut() {
    liveness.startTtl("rest", 2, 0);
    liveness.startTtl("no-ttl", null, 0);
    assertThat(liveness.expired(1_999)).isEmpty();
    assertThat(liveness.expired(2_000)).containsExactly("rest");
    assertThat(liveness.expired(9_000)).isEmpty();
    assertThat(liveness.deadline("no-ttl")).isNull();
  }

  @Test
  void forgettingANodeDropsItsMetricsToo() {
    liveness.heard("n1", 0);
    liveness.reported("n1", new JsonObject().put("cpu", 0.5));
    assertThat(liveness.metrics("n1").getDouble("cpu")).isEqualTo(0.5);
    liveness.forget("n1");
    assertThat(liveness.metrics("n1")).isNull();
    assertThat(liveness.lastHeard("n1")).isNull();
  }
}
