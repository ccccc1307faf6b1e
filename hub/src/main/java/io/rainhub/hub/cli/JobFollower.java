package io.rainhub.hub.cli;

import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * Follows a job until it ends, by long-polling {@code GET /v1.0/jobs/{id}?wait=1s} (the hub answers
 * at once when the job ends, so a change waits at most a second to be shown): each answer is the
 * current job, handed to {@code show}. Once the hub has answered, losing it is not the end of
 * the follow: jobs resume on the new leader after a restart or a failover, so an unreachable or
 * 502/503/504 hub is retried, once a second, for {@link #RETRIES} tries in a row.
 */
final class JobFollower {

  static final String WAIT = "1s";
  static final int RETRIES = 30;
  private static final long RETRY_MS = 1000;

  /** One answer about the job; {@code wait}: long-poll (null: answer at once). */
  interface Source {
    JsonObject job(String id, String wait);
  }

  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private final Source source;
  private final Sleeper sleeper;
  private final Consumer<String> warn;

  JobFollower(Source source, Sleeper sleeper, Consumer<String> warn) {
    this.source = source;
    this.sleeper = sleeper;
    this.warn = warn;
  }

  static JobFollower over(HubApi api, Consumer<String> warn) {
    return new JobFollower((id, wait) -> api.get("/v1.0/jobs/" + HubApi.encode(id) + (wait == null ? "" : "?wait=" + wait)),
        Thread::sleep, warn);
  }

  /** The job once it ended; every answer on the way went to {@code show}. */
  JsonObject follow(String id, Consumer<JsonObject> show) {
    // The first answer at once, so the picture appears before the first wait elapses.
    JsonObject job = source.job(id, null);
    show.accept(job);
    int failures = 0;
    while (!JobWords.ended(job)) {
      try {
        job = source.job(id, WAIT);
        failures = 0;
      } catch (CliException e) {
        if (!worthRetrying(e) || ++failures > RETRIES) {
          throw e;
        }
        if (failures == 1) {
          warn.accept(e.getMessage() + "; retrying for " + RETRIES + " s");
        }
        pause();
        continue;
      }
      show.accept(job);
    }
    return job;
  }

  /**
   * The exit of a follow: nothing when the job succeeded; a {@link CliException} (exit 1) carrying
   * the error in words when it failed or was cancelled.
   */
  static void outcome(JsonObject job) {
    if (!JobWords.SUCCEEDED.equals(job.getString("state"))) {
      throw CliException.refused(JobWords.outcome(job));
    }
  }

  private static boolean worthRetrying(CliException e) {
    return e.exitCode() == CliException.UNREACHABLE || e.status() == 502 || e.status() == 503 || e.status() == 504;
  }

  private void pause() {
    try {
      sleeper.sleep(RETRY_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(CliException.UNREACHABLE, "interrupted");
    }
  }
}
