package io.rainhub.workflow;

import java.time.Instant;

/** Workflow times are stored as epoch milliseconds and shown as ISO-8601. */
final class Times {

  private Times() {
  }

  static String iso(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis).toString();
  }
}
