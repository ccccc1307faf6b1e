package io.rainhub.hub.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Job JSONs of docs/workflows.md for the tests: a create job of db (install, validate) and app (install, config). */
final class Jobs {

  private Jobs() {
  }

  static JsonObject job(String state, JsonObject... workflows) {
    int done = 0;
    int total = 0;
    for (JsonObject workflow : workflows) {
      for (JsonObject stage : HubApi.objects(workflow.getJsonArray("stages"))) {
        done += stage.getJsonObject("progress").getInteger("done");
        total += stage.getJsonObject("progress").getInteger("total");
      }
    }
    return new JsonObject().put("id", "j1").put("kind", "create").put("topologyId", "t1").put("state", state)
        .put("progress", progress(done, total)).put("workflows", new JsonArray(java.util.List.of((Object[]) workflows)));
  }

  static JsonObject workflow(String component, JsonObject... stages) {
    return new JsonObject().put("id", "w-" + component).put("component", component).put("state", "RUNNING")
        .put("stages", new JsonArray(java.util.List.of((Object[]) stages)));
  }

  static JsonObject stage(String name, String state, int done, JsonObject... tasks) {
    return new JsonObject().put("name", name).put("state", state).put("progress", progress(done, tasks.length))
        .put("tasks", new JsonArray(java.util.List.of((Object[]) tasks)));
  }

  static JsonObject task(String node, String state) {
    return new JsonObject().put("id", "task-" + node).put("nodeName", node).put("state", state).put("attempts", 1);
  }

  static JsonObject progress(int done, int total) {
    return new JsonObject().put("done", done).put("total", total);
  }
}
