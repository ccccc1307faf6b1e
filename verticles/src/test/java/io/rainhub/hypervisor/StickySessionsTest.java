package io.rainhub.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StickySessionsTest {

  @Test
  void remembersAndCountsLoadPerServer() {
    StickySessions sessions = new StickySessions(10, 60_000);
    sessions.assign("s1", "a", 0);
    sessions.assign("s2", "a", 0);
    sessions.assign("s3", "b", 0);
    assertThat(sessions.serverOf("s1", 1)).isEqualTo("a");
    assertThat(sessions.load("a")).isEqualTo(2);
    sessions.assign("s1", "b", 2);
    assertThat(sessions.load("a")).isEqualTo(1);
    assertThat(sessions.load("b")).isEqualTo(2);
  }

  @Test
  void forgetsIdleAndLeastRecentlyUsedSessions() {
    StickySessions sessions = new StickySessions(2, 1_000);
    sessions.assign("old", "a", 0);
    assertThat(sessions.serverOf("old", 5_000)).isNull();
    assertThat(sessions.load("a")).isZero();
    sessions.assign("s1", "a", 0);
    sessions.assign("s2", "a", 0);
    sessions.serverOf("s1", 1);
    sessions.assign("s3", "b", 2);
    assertThat(sessions.serverOf("s2", 3)).isNull();
    assertThat(sessions.serverOf("s1", 3)).isEqualTo("a");
    assertThat(sessions.load("a")).isEqualTo(1);
  }
}
