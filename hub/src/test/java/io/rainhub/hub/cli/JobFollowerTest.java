package io.rainhub.hub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobFollowerTest {

  /** Answers (a job, or a failure to throw) in order, recording the wait each request asked for. */
  private static final class Answers implements JobFollower.Source {
    final Deque<Object> answers = new ArrayDeque<>();
    final List<String> waits = new ArrayList<>();

    Answers(Object... answers) {
      this.answers.addAll(List.of(answers));
    }

    @Override
    public JsonObject job(String id, String wait) {
      assertThat(id).isEqualTo("j1");
      waits.add(String.valueOf(wait));
      Object next = answers.removeFirst();
      if (next instanceof CliException e) {
        throw e;
      }
      return (JsonObject) next;
    }
  }

  private final List<Long> sleeps = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  @Test
  void followsUntilTheJobEndsFirstAtOnceThenByLongPolling() {
    Answers source = new Answers(JobProgressTest.CREATE.toArray());
    StringBuilder printed = new StringBuilder();
    JobProgress progress = JobProgress.plain();
    JsonObject last = follower(source).follow("j1", job -> printed.append(progress.render(job)));
    assertThat(last.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(source.waits).containsExactly("null", "1s", "1s", "1s");
    assertThat(printed.toString().lines()).hasSize(8).last().isEqualTo("app  config    2/2  succeeded");
    JobFollower.outcome(last);
    assertThat(JobWords.outcome(last)).isEqualTo("job j1 (create) succeeded: 6/6 tasks");
  }

  @Test
  void aFailedOrCancelledJobIsExitOneWithTheErrorInWords() {
    JsonObject failed = JobProgressTest.failed();
    JsonObject last = follower(new Answers(JobProgressTest.CREATE.get(1), failed)).follow("j1", job -> { });
    assertThatThrownBy(() -> JobFollower.outcome(last)).isInstanceOf(CliException.class)
        .hasMessageStartingWith("job j1 (create) failed: install.sh on shop-app-2 (app/install) exited with code 3")
        .extracting(e -> ((CliException) e).exitCode()).isEqualTo(1);
    JsonObject cancelled = JobProgressTest.CREATE.get(1).copy().put("state", "CANCELLED");
    assertThatThrownBy(() -> JobFollower.outcome(cancelled)).hasMessage("job j1 (create) cancelled: 1/6 tasks")
        .extracting(e -> ((CliException) e).exitCode()).isEqualTo(1);
  }

  @Test
  void aHubThatCannotBeReachedAtFirstIsExitTwo() {
    CliException down = new CliException(CliException.UNREACHABLE, "cannot reach http://h (connection refused)");
    assertThatThrownBy(() -> follower(new Answers(down)).follow("j1", job -> { })).isSameAs(down);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aHubLostAfterItAnsweredIsRetriedOnceASecondThenGivenUp() {
    CliException down = new CliException(CliException.UNREACHABLE, "cannot reach http://h (connection refused)");
    CliException noLeader = new CliException(CliException.REFUSED, "Service Unavailable (503)", 503);
    JsonObject last = follower(new Answers(JobProgressTest.CREATE.get(1), down, noLeader, JobProgressTest.CREATE.get(3)))
        .follow("j1", job -> { });
    assertThat(last.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(sleeps).containsExactly(1000L, 1000L);
    assertThat(warnings).containsExactly("cannot reach http://h (connection refused); retrying for 30 s");

    Object[] forever = new Object[JobFollower.RETRIES + 2];
    forever[0] = JobProgressTest.CREATE.get(1);
    java.util.Arrays.fill(forever, 1, forever.length, down);
    assertThatThrownBy(() -> follower(new Answers(forever)).follow("j1", job -> { })).isSameAs(down);
  }

  @Test
  void aRefusalIsNotRetried() {
    CliException gone = new CliException(CliException.REFUSED, "Not Found (404)", 404);
    assertThatThrownBy(() -> follower(new Answers(JobProgressTest.CREATE.get(1), gone)).follow("j1", job -> { }))
        .isSameAs(gone);
    assertThat(sleeps).isEmpty();
  }

  private JobFollower follower(JobFollower.Source source) {
    return new JobFollower(source, sleeps::add, warnings::add);
  }
}
