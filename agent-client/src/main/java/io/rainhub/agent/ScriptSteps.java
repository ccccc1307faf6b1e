package io.rainhub.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** {@link Steps} as real scripts, run by a {@link ScriptRunner} on a worker thread. */
public final class ScriptSteps implements Steps {

  private final Vertx vertx;
  private final ScriptRunner runner;
  private final Duration timeout;

  public ScriptSteps(Vertx vertx, ScriptRunner runner, Duration timeout) {
    this.vertx = vertx;
    this.runner = runner;
    this.timeout = timeout;
  }

  @Override
  public Future<StepResult> lifecycle(String componentId, String version, LifecycleStep step, JsonObject args) {
    return vertx.executeBlocking(() -> runner.run(componentId, version, step, ScriptInputs.flatten(args),
        args.encode(), timeout), false);
  }

  @Override
  public Future<StepResult> node(String action, JsonObject args) {
    return vertx.executeBlocking(() -> runner.runNodeScript(action, ScriptInputs.flatten(args), args.encode(),
        timeout), false);
  }

  @Override
  public Future<StepResult> guest(String command, Duration guestTimeout) {
    return vertx.executeBlocking(() -> runner.runCommand(command, guestTimeout), false);
  }
}
