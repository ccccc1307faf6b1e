package io.rainhub.workflow;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One operation on a topology: its workflows (one per component it touches), their stages and
 * tasks. The plan is fixed when the job is created; what changes is the tasks' state.
 */
final class Job {

  enum State {
    PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    boolean ended() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  final String id;
  final String tenantId;
  final String topologyId;
  final String kind;
  final String requestId;
  final long createdAt;
  final List<Workflow> workflows = new ArrayList<>();
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private final Map<String, Stage> stages = new LinkedHashMap<>();
  State state = State.PENDING;
  Long startedAt;
  Long endedAt;
  JsonObject error;
  /** The job's end is stored: only then may a waiting client be told it ended. */
  boolean endStored;

  Job(String id, String tenantId, String topologyId, String kind, String requestId, long createdAt) {
    this.id = id;
    this.tenantId = tenantId;
    this.topologyId = topologyId;
    this.kind = kind;
    this.requestId = requestId;
    this.createdAt = createdAt;
  }

  /** Adds a workflow built by {@link Plans}; call {@link #index()} once all are added. */
  Workflow add(Workflow workflow) {
    workflows.add(workflow);
    return workflow;
  }

  Job index() {
    tasks.clear();
    stages.clear();
    for (Workflow workflow : workflows) {
      for (Stage stage : workflow.stages) {
        stages.put(stage.key(), stage);
        stage.tasks.forEach(task -> tasks.put(task.id, task));
      }
    }
    return this;
  }

  Stage stage(String key) {
    return stages.get(key);
  }

  Task task(String taskId) {
    return tasks.get(taskId);
  }

  Iterable<Task> tasks() {
    return tasks.values();
  }

  int done() {
    return (int) tasks.values().stream().filter(task -> task.state == Task.State.SUCCEEDED).count();
  }

  int total() {
    return tasks.size();
  }

  boolean allSucceeded() {
    return workflows.stream().allMatch(workflow -> workflow.stages.stream().allMatch(stage -> stage.succeeded(this)));
  }

  boolean touches(String nodeId) {
    return tasks.values().stream().anyMatch(task -> nodeId.equals(task.nodeId) && !task.state.ended());
  }

  JsonObject planJson() {
    return new JsonObject().put("workflows", new JsonArray(workflows.stream().map(Workflow::planJson).toList()));
  }

  /** Rebuilds a stored job's plan; its tasks start PENDING until their stored state is applied. */
  static Job fromPlan(Job job, JsonObject plan) {
    for (Object w : plan.getJsonArray("workflows")) {
      JsonObject wf = (JsonObject) w;
      Workflow workflow = job.add(new Workflow(wf.getString("id"), wf.getString("kind"), wf.getString("component"),
          wf.getString("componentId")));
      for (Object s : wf.getJsonArray("stages")) {
        JsonObject st = (JsonObject) s;
        Stage stage = new Stage(workflow, st.getString("name"), st.getJsonArray("after").stream()
            .map(String.class::cast).toList());
        workflow.stages.add(stage);
        for (Object t : st.getJsonArray("tasks")) {
          JsonObject tk = (JsonObject) t;
          stage.tasks.add(new Task(tk.getString("id"), tk.getString("nodeId"), tk.getString("nodeName"),
              tk.getJsonArray("steps").stream().map(String.class::cast).toList(), stage));
        }
      }
    }
    return job.index();
  }

  JsonObject summaryJson() {
    return new JsonObject().put("id", id).put("kind", kind).put("topologyId", topologyId).put("tenantId", tenantId)
        .put("state", state.name()).put("createdAt", Times.iso(createdAt)).put("startedAt", Times.iso(startedAt))
        .put("endedAt", Times.iso(endedAt))
        .put("progress", new JsonObject().put("done", done()).put("total", total()))
        .put("error", error);
  }

  JsonObject toJson() {
    return summaryJson().put("workflows", new JsonArray(workflows.stream().map(w -> w.toJson(this)).toList()));
  }
}
