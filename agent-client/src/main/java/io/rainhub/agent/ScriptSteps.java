package io.rainhub.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@link Steps} as real scripts, run by a {@link ScriptRunner} on a worker pool of their own:
 * scripts legitimately run for minutes, which Vert.x's default pool would report as blocked
 * threads. The runner's timeouts bound them instead.
 */
public final class ScriptSteps implements Steps {

  private final WorkerExecutor workers;
  private final ScriptRunner runner;
  private final Duration timeout;

  /**
   * Call from the agent's verticle: its pool closes when the verticle is undeployed. One thread:
   * commands run one at a time.
   *
   * @param poolName unique per agent: pools of the same name are shared
   */
  public ScriptSteps(Vertx vertx, String poolName, ScriptRunner runner, Duration timeout) {
    this(vertx, poolName, 1, runner, timeout);
  }

  /**
   * @param poolName pools of the same name are shared: the agents of one {@code rain-agent host}
   *     use one pool, which closes when the last of them is undeployed
   * @param threads the pool's size, decided by the first agent that creates it
   */
  public ScriptSteps(Vertx vertx, String poolName, int threads, ScriptRunner runner, Duration timeout) {
    this.workers = vertx.createSharedWorkerExecutor(poolName, threads, 1, TimeUnit.DAYS);
    this.runner = runner;
    this.timeout = timeout;
  }

  /** Blocking work of an action (a recipe's files, a stage's script) on the scripts' pool. */
  public <T> Future<T> blocking(Callable<T> work) {
    return workers.executeBlocking(work, false);
  }

  @Override
  public Future<StepResult> lifecycle(String componentId, String version, LifecycleStep step, JsonObject args) {
    return workers.executeBlocking(() -> runner.run(componentId, version, step, ScriptInputs.flatten(args),
        args.encode(), timeout), false);
  }

  @Override
  public Future<StepResult> node(String action, JsonObject args) {
    return workers.executeBlocking(() -> runner.runNodeScript(action, ScriptInputs.flatten(args), args.encode(),
        timeout), false);
  }

  @Override
  public Future<StepResult> guest(String command, Duration guestTimeout) {
    return workers.executeBlocking(() -> runner.runCommand(command, guestTimeout), false);
  }
}
