package io.rainhub.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a finished creation job's JSON says about where its time went. A workflow's script time is,
 * per stage that runs a script, the longest task of the stage (its nodes run in parallel and the
 * next stage waits for the last), summed over the stages. The critical path is the longest chain
 * of script times along the workflows' {@code after} edges; the spawn time of that chain is, per
 * workflow, from its {@code spawn} stage's start to its {@code verify-spawn} stage's end (the
 * rain-agent JVM starting and connecting).
 */
record JobTimes(long jobMs, long criticalPathMs, long spawnMs, List<String> chain, Map<String, Long> scriptMsByWorkflow,
                Map<String, Long> spawnMsByWorkflow) {

  static JobTimes of(JsonObject job) {
    Map<String, Long> scripts = new LinkedHashMap<>();
    Map<String, Long> spawns = new LinkedHashMap<>();
    Map<String, List<String>> dependsOn = new HashMap<>();
    for (Object item : job.getJsonArray("workflows", new JsonArray())) {
      JsonObject workflow = (JsonObject) item;
      String id = workflow.getString("id");
      long scriptMs = 0;
      Long spawnStart = null;
      Long verifiedAt = null;
      List<String> after = new ArrayList<>();
      for (Object s : workflow.getJsonArray("stages", new JsonArray())) {
        JsonObject stage = (JsonObject) s;
        for (Object edge : stage.getJsonArray("after", new JsonArray())) {
          String text = (String) edge;
          after.add(text.substring(0, text.lastIndexOf('/')));
        }
        scriptMs += longestScriptTask(stage);
        if ("spawn".equals(stage.getString("name"))) {
          spawnStart = millis(stage.getString("startedAt"));
        } else if ("verify-spawn".equals(stage.getString("name"))) {
          verifiedAt = millis(stage.getString("endedAt"));
        }
      }
      scripts.put(id, scriptMs);
      spawns.put(id, spawnStart == null || verifiedAt == null ? 0 : verifiedAt - spawnStart);
      dependsOn.put(id, after);
    }
    List<String> chain = new ArrayList<>();
    long critical = 0;
    Map<String, Long> memo = new HashMap<>();
    for (String id : scripts.keySet()) {
      long length = longestChain(id, scripts, dependsOn, memo);
      if (length > critical || chain.isEmpty()) {
        critical = length;
        chain = chainEndingAt(id, scripts, dependsOn, memo);
      }
    }
    long spawn = chain.stream().mapToLong(spawns::get).sum();
    long jobMs = millis(job.getString("endedAt")) - millis(job.getString("createdAt"));
    return new JobTimes(jobMs, critical, spawn, chain, scripts, spawns);
  }

  /** The longest task of a stage that runs scripts; 0 for the engine's own stages (spawn, verify-spawn). */
  private static long longestScriptTask(JsonObject stage) {
    long longest = 0;
    for (Object t : stage.getJsonArray("tasks", new JsonArray())) {
      JsonObject task = (JsonObject) t;
      if (task.getString("script") != null && task.getString("startedAt") != null && task.getString("endedAt") != null) {
        longest = Math.max(longest, millis(task.getString("endedAt")) - millis(task.getString("startedAt")));
      }
    }
    return longest;
  }

  private static long longestChain(String id, Map<String, Long> weight, Map<String, List<String>> dependsOn,
                                   Map<String, Long> memo) {
    Long known = memo.get(id);
    if (known != null) {
      return known;
    }
    memo.put(id, 0L); // a cycle cannot be planned; this only keeps a broken job from recursing forever
    long before = 0;
    for (String dependency : dependsOn.getOrDefault(id, List.of())) {
      if (weight.containsKey(dependency)) {
        before = Math.max(before, longestChain(dependency, weight, dependsOn, memo));
      }
    }
    long length = before + weight.get(id);
    memo.put(id, length);
    return length;
  }

  /** The workflows of the longest chain ending at {@code id}, first to last. */
  private static List<String> chainEndingAt(String id, Map<String, Long> weight, Map<String, List<String>> dependsOn,
                                            Map<String, Long> memo) {
    List<String> chain = new ArrayList<>();
    String at = id;
    while (at != null) {
      chain.add(0, at);
      String next = null;
      for (String dependency : dependsOn.getOrDefault(at, List.of())) {
        if (weight.containsKey(dependency) && (next == null || memo.get(dependency) > memo.get(next))) {
          next = dependency;
        }
      }
      at = chain.contains(next) ? null : next;
    }
    return chain;
  }

  private static long millis(String iso) {
    if (iso == null) {
      throw new BenchmarkFailure("the job JSON lacks a time the benchmark needs");
    }
    return Instant.parse(iso).toEpochMilli();
  }
}
