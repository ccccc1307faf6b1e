package io.rainhub.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Step reports and the failing step: what lets the hub show progress and say which script failed. */
class NodeActionsStepsTest {

  /** Every step succeeds except {@code failing}, which exits 3. */
  private static Steps failingAt(LifecycleStep failing) {
    return new Steps() {
      @Override
      public Future<StepResult> lifecycle(String componentId, String version, LifecycleStep step, JsonObject args) {
        return Future.succeededFuture(step == failing
            ? new StepResult(false, 3, List.of("boom"), true, false)
            : new StepResult(true, 0, List.of(step.scriptName() + " ok"), true, false));
      }

      @Override
      public Future<StepResult> node(String action, JsonObject args) {
        return Future.succeededFuture(StepResult.nothingToDo());
      }

      @Override
      public Future<StepResult> guest(String command, Duration timeout) {
        return Future.succeededFuture(StepResult.nothingToDo());
      }
    };
  }

  private static Command instantiate() {
    return new Command("c-1", 1, "instantiate", new JsonObject().put("instanceId", "i-1").put("componentId", "shop")
        .put("version", "1").put("role", "primary").put("generation", 0), null);
  }

  @Test
  void eachStepIsReportedAsItStartsAndAFailureNamesItsStep() {
    NodeActions actions = new NodeActions(AgentState.empty(), failingAt(LifecycleStep.CONFIGURE), false, Duration.ZERO);
    List<LifecycleStep> told = new ArrayList<>();

    CommandOutcome outcome = actions.execute(instantiate(), (command, step) -> told.add(step)).result();

    assertThat(told).as("start never runs after configure failed")
        .containsExactly(LifecycleStep.INSTALL, LifecycleStep.CONFIGURE);
    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.data().getString("failedStep")).isEqualTo("configure");
    assertThat(outcome.output()).contains("boom", "configure.sh failed with exit code 3");
  }

  @Test
  void aSucceedingCommandReportsEveryStepAndNoFailedStep() {
    NodeActions actions = new NodeActions(AgentState.empty(), failingAt(null), false, Duration.ZERO);
    List<LifecycleStep> told = new ArrayList<>();

    CommandOutcome outcome = actions.execute(instantiate(), (command, step) -> told.add(step)).result();

    assertThat(told).containsExactly(LifecycleStep.INSTALL, LifecycleStep.CONFIGURE, LifecycleStep.START);
    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.data().containsKey("failedStep")).isFalse();
  }
}
