package io.rainhub.workflow;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One node's part of a stage: its steps run in order ({@link Step}). What it has done so far is
 * stored (table job_tasks) before anything it leads to happens, so a resumed job carries on from
 * the step it was at, with the same command id.
 */
final class Task {

  enum State {
    PENDING, WAITING, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    boolean ended() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  final String id;
  final String nodeId;
  final String nodeName;
  final List<String> steps;
  final Stage stage;
  State state = State.PENDING;
  int step;
  int attempts;
  String commandId;
  Long startedAt;
  Long endedAt;
  /** A retry waits until then. */
  Long notBefore;
  Integer exitCode;
  List<String> lastLines = List.of();
  String detail;
  /** Not stored: a step of it is being carried out now, so the engine does not start it twice. */
  transient boolean busy;

  Task(String id, String nodeId, String nodeName, List<String> steps, Stage stage) {
    this.id = id;
    this.nodeId = nodeId;
    this.nodeName = nodeName;
    this.steps = steps;
    this.stage = stage;
  }

  String currentStep() {
    return step < steps.size() ? steps.get(step) : null;
  }

  /** The script of the step it is at, or of its last script step when it ended. */
  String script() {
    for (int i = Math.min(step, steps.size() - 1); i >= 0; i--) {
      String name = Step.scriptOf(steps.get(i));
      if (name != null) {
        return name + ".sh";
      }
    }
    return null;
  }

  JsonObject planJson() {
    return new JsonObject().put("id", id).put("nodeId", nodeId).put("nodeName", nodeName)
        .put("steps", new JsonArray(steps));
  }

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("nodeId", nodeId).put("nodeName", nodeName).put("state", state.name())
        .put("attempts", attempts).put("script", script()).put("startedAt", Times.iso(startedAt))
        .put("endedAt", Times.iso(endedAt)).put("exitCode", exitCode).put("lastLines", new JsonArray(lastLines))
        .put("detail", detail);
  }
}
