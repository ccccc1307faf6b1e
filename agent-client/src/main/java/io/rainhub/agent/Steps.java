package io.rainhub.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Runs the scripts an action is made of. The agent runs real scripts ({@link ScriptSteps}); the
 * simulator's steps all succeed at once.
 */
public interface Steps {

  /** {@code DIR/<componentId>/<version>/<step>.sh} with the command's args as inputs. */
  Future<StepResult> lifecycle(String componentId, String version, LifecycleStep step, JsonObject args);

  /** {@code DIR/_node/<action>.sh} with the command's args as inputs. */
  Future<StepResult> node(String action, JsonObject args);

  /** {@code bash -c command}. */
  Future<StepResult> guest(String command, Duration timeout);
}
