package io.rainhub.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How a command ended, as its {@code result} frame says it.
 *
 * @param exitCode the exit code of the last script run, or null when none ran
 * @param data what the action reports besides its status (the instance's state, the wires), or null
 */
public record CommandOutcome(boolean succeeded, Integer exitCode, List<String> output, JsonObject data) {

  public static CommandOutcome failed(String message) {
    return new CommandOutcome(false, null, List.of(message), null);
  }

  public static CommandOutcome succeeded(String message) {
    return new CommandOutcome(true, null, List.of(message), null);
  }

  /** A script's outcome; a script that was absent had nothing to do and reports no exit code. */
  public static CommandOutcome of(StepResult step, JsonObject data) {
    return new CommandOutcome(step.succeeded(), step.scriptPresent() ? step.exitCode() : null, step.lastLines(),
        data);
  }

  /** The body of the {@code result} frame for {@code command}. */
  public JsonObject resultBody(Command command) {
    JsonObject body = new JsonObject()
        .put("commandId", command.commandId())
        .put("seq", command.seq())
        .put("status", succeeded ? AgentState.SUCCEEDED : AgentState.FAILED)
        .put("output", new JsonArray(List.copyOf(output)));
    if (exitCode != null) {
      body.put("exitCode", exitCode);
    }
    if (data != null) {
      body.put("data", data);
    }
    return body;
  }
}
