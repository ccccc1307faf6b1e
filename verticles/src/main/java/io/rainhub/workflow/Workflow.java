package io.rainhub.workflow;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** One component's share of a job: its stages, in order. */
final class Workflow {

  final String id;
  final String kind;
  final String component;
  final String componentId;
  final List<Stage> stages = new ArrayList<>();

  Workflow(String id, String kind, String component, String componentId) {
    this.id = id;
    this.kind = kind;
    this.component = component;
    this.componentId = componentId;
  }

  String state(Job job) {
    List<String> states = stages.stream().map(stage -> stage.state(job)).toList();
    if (states.contains("FAILED")) {
      return "FAILED";
    }
    if (states.stream().allMatch("SUCCEEDED"::equals)) {
      return "SUCCEEDED";
    }
    if (states.contains("CANCELLED")) {
      return "CANCELLED";
    }
    return states.stream().anyMatch(state -> !state.equals("PENDING")) ? "RUNNING" : "PENDING";
  }

  JsonObject planJson() {
    return new JsonObject().put("id", id).put("kind", kind).put("component", component).put("componentId", componentId)
        .put("stages", new JsonArray(stages.stream().map(Stage::planJson).toList()));
  }

  JsonObject toJson(Job job) {
    return new JsonObject().put("id", id).put("kind", kind).put("component", component)
        .put("componentId", componentId).put("state", state(job))
        .put("stages", new JsonArray(stages.stream().map(stage -> stage.toJson(job)).toList()));
  }
}
