package io.rainhub.hypervisor;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** The time decisions are taken at; a clock of their own so tests can move it. */
final class TimeSource {

  private final Clock clock;

  TimeSource(Clock clock) {
    this.clock = clock;
  }

  static TimeSource system() {
    return new TimeSource(Clock.systemUTC());
  }

  long millis() {
    return clock.millis();
  }

  /** Truncated to microseconds: what both databases store, so memory and store agree. */
  OffsetDateTime now() {
    return OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)).truncatedTo(ChronoUnit.MICROS);
  }
}
