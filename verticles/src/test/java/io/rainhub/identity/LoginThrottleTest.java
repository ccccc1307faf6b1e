package io.rainhub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.identity.LoginThrottle.Admission;
import org.junit.jupiter.api.Test;

/** The throttle's rules, without Vert.x: base 1 s doubling to a cap of 60 s. */
class LoginThrottleTest {

  private long now = 1_000_000;
  private final LoginThrottle throttle = new LoginThrottle(LoginThrottle.Limits.of(1_000, 60_000), () -> now);

  @Test
  void threeFreeFailuresThenOneSecondDoublingToTheCap() {
    for (int i = 0; i < 3; i++) {
      fail("alice", "10.0.0.1");
    }
    Admission fourth = throttle.admit("alice", "10.0.0.1");
    assertThat(fourth.admitted()).isTrue();
    throttle.failed(fourth);
    assertThat(throttle.admit("alice", "10.0.0.1").retryAfterMillis()).isEqualTo(1_000);
    long expected = 1_000;
    for (int i = 0; i < 12; i++) {
      now += expected;
      fail("alice", "10.0.0.1");
      expected = Math.min(expected * 2, 60_000);
      assertThat(throttle.admit("alice", "10.0.0.1").retryAfterMillis()).isEqualTo(expected);
    }
    assertThat(expected).isEqualTo(60_000);
  }

  @Test
  void refusedAttemptsDoNotExtendThePenalty() {
    for (int i = 0; i < 4; i++) {
      fail("alice", "10.0.0.1");
    }
    for (int i = 0; i < 100; i++) {
      assertThat(throttle.admit("alice", "10.0.0.1").admitted()).isFalse();
    }
    now += 1_000;
    assertThat(throttle.admit("alice", "10.0.0.1").admitted()).isTrue();
  }

  @Test
  void successResetsTheAccount() {
    for (int i = 0; i < 6; i++) {
      now += 60_000;
      fail("alice", "10.0.0.1");
    }
    now += 60_000;
    throttle.succeeded(throttle.admit("alice", "10.0.0.1"));
    for (int i = 0; i < 3; i++) {
      fail("alice", "10.0.0.1");
    }
    assertThat(throttle.admit("alice", "10.0.0.1").admitted()).isTrue();
  }

  /** Charged before the check runs: guesses sent in parallel cannot all slip through. */
  @Test
  void attemptsInFlightCount() {
    for (int i = 0; i < 4; i++) {
      assertThat(throttle.admit("alice", "10.0.0.1").admitted()).isTrue();
    }
    assertThat(throttle.admit("alice", "10.0.0.1").admitted()).isFalse();
  }

  @Test
  void anAttackerOnOneAddressCannotLockTheAccountForOthers() {
    for (int i = 0; i < 500; i++) {
      now += 60_000;
      fail("admin", "203.0.113.9");
    }
    assertThat(throttle.admit("admin", "203.0.113.9").admitted()).isFalse();
    assertThat(throttle.admit("admin", "10.0.0.1").admitted()).isTrue();
  }

  @Test
  void manyAddressesGuessingOneAccountLockItEverywhereForABoundedTime() {
    for (int source = 0; source < 10; source++) {
      for (int i = 0; i < 3; i++) {
        fail("admin", "198.51.100." + source);
      }
    }
    Admission next = throttle.admit("admin", "10.0.0.1");
    assertThat(next.admitted()).isTrue();
    throttle.failed(next);
    assertThat(throttle.admit("admin", "10.0.0.2").retryAfterMillis()).isEqualTo(1_000);
    now += 1_000;
    assertThat(throttle.admit("admin", "10.0.0.2").admitted()).isTrue();
  }

  @Test
  void oneAddressGuessingManyAccountsIsThrottledAfterTwenty() {
    for (int i = 0; i < 21; i++) {
      fail("user" + i, "203.0.113.9");
    }
    assertThat(throttle.admit("someone-else", "203.0.113.9").retryAfterMillis()).isEqualTo(1_000);
    assertThat(throttle.admit("someone-else", "10.0.0.1").admitted()).isTrue();
  }

  /** A success does not clear the address: an attacker cannot reset it by logging into an account of their own. */
  @Test
  void successDoesNotResetTheAddress() {
    for (int i = 0; i < 21; i++) {
      fail("user" + i, "203.0.113.9");
    }
    now += 1_000;
    throttle.succeeded(throttle.admit("mallory", "203.0.113.9"));
    fail("user-x", "203.0.113.9");
    assertThat(throttle.admit("user-y", "203.0.113.9").admitted()).isFalse();
  }

  @Test
  void refundedAttemptsLeaveNoTrace() {
    for (int i = 0; i < 50; i++) {
      throttle.refund(throttle.admit("alice", "10.0.0.1"));
    }
    assertThat(throttle.admit("alice", "10.0.0.1").admitted()).isTrue();
  }

  @Test
  void quietEntriesAreForgotten() {
    for (int i = 0; i < 30; i++) {
      fail("user" + i, "203.0.113." + i);
    }
    assertThat(throttle.size()).isGreaterThan(0);
    now += 15 * 60_000 + 60_000;
    throttle.sweep();
    assertThat(throttle.size()).isZero();
  }

  private void fail(String account, String source) {
    Admission admission = throttle.admit(account, source);
    assertThat(admission.admitted()).as("%s from %s", account, source).isTrue();
    throttle.failed(admission);
  }
}
