package io.rainhub.workflow;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ordered step of a workflow: one task per node, run in parallel. It may start once the stage
 * before it in its workflow succeeded and every stage it comes {@code after} (other workflows'
 * stages, from depends_on) succeeded.
 */
final class Stage {

  final Workflow workflow;
  final String name;
  /** {@code <workflow id>/<stage name>} of the stages it waits for in other workflows. */
  final List<String> after;
  final List<Task> tasks = new ArrayList<>();

  Stage(Workflow workflow, String name, List<String> after) {
    this.workflow = workflow;
    this.name = name;
    this.after = after;
  }

  String key() {
    return workflow.id + "/" + name;
  }

  Stage previous() {
    int index = workflow.stages.indexOf(this);
    return index == 0 ? null : workflow.stages.get(index - 1);
  }

  boolean ready(Job job) {
    Stage previous = previous();
    if (previous != null && !previous.succeeded(job)) {
      return false;
    }
    return after.stream().map(job::stage).filter(Objects::nonNull).allMatch(stage -> stage.succeeded(job));
  }

  boolean succeeded(Job job) {
    return tasks.stream().allMatch(task -> task.state == Task.State.SUCCEEDED) && ready(job);
  }

  String state(Job job) {
    if (tasks.stream().anyMatch(task -> task.state == Task.State.FAILED)) {
      return "FAILED";
    }
    if (succeeded(job)) {
      return "SUCCEEDED";
    }
    if (tasks.stream().anyMatch(task -> task.state == Task.State.CANCELLED)) {
      return "CANCELLED";
    }
    if (tasks.stream().anyMatch(task -> task.startedAt != null)) {
      return tasks.stream().anyMatch(task -> task.state == Task.State.RUNNING) ? "RUNNING" : "WAITING";
    }
    return "PENDING";
  }

  JsonObject planJson() {
    return new JsonObject().put("name", name).put("after", new JsonArray(after))
        .put("tasks", new JsonArray(tasks.stream().map(Task::planJson).toList()));
  }

  JsonObject toJson(Job job) {
    long done = tasks.stream().filter(task -> task.state == Task.State.SUCCEEDED).count();
    Long started = tasks.stream().map(task -> task.startedAt).filter(Objects::nonNull).min(Long::compare).orElse(null);
    boolean ended = !tasks.isEmpty() && tasks.stream().allMatch(task -> task.state.ended());
    Long endedAt = ended ? tasks.stream().map(task -> task.endedAt).filter(Objects::nonNull).max(Long::compare)
        .orElse(null) : null;
    return new JsonObject().put("name", name).put("state", state(job)).put("startedAt", Times.iso(started))
        .put("endedAt", Times.iso(endedAt)).put("after", new JsonArray(after))
        .put("progress", new JsonObject().put("done", done).put("total", tasks.size()))
        .put("tasks", new JsonArray(tasks.stream().map(Task::toJson).toList()));
  }
}
