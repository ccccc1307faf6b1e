package io.rainhub.agent.sim;

import io.rainhub.agent.LifecycleStep;
import io.rainhub.agent.StepResult;
import io.rainhub.agent.Steps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/** A simulated node's steps: no scripts, everything succeeds at once; a guest command echoes itself. */
final class InstantSteps implements Steps {

  private static final Future<StepResult> DONE = Future.succeededFuture(StepResult.nothingToDo());

  @Override
  public Future<StepResult> lifecycle(String componentId, String version, LifecycleStep step, JsonObject args) {
    return DONE;
  }

  @Override
  public Future<StepResult> node(String action, JsonObject args) {
    return DONE;
  }

  @Override
  public Future<StepResult> guest(String command, Duration timeout) {
    return Future.succeededFuture(new StepResult(true, 0, List.of(command), true, false));
  }
}
