package io.rainhub.workflow;

import io.rainhub.model.Recipe;
import io.rainhub.model.Recipes;
import io.rainhub.model.StagePolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs: starts every task whose stage the DAG allows, one step at a time, storing each
 * transition before it takes effect (a command's id is stored before the command is sent). Runs on
 * the workflow verticle's event loop; what a step does to nodes and imports is in {@link NodeSteps}.
 */
final class Engine {

  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  private static final StagePolicy PLUMBING = new StagePolicy(60_000, 2, 1_000);
  private static final long AGENT_POLL_MILLIS = 200;
  private static final long AGENT_WAIT_MILLIS = 120_000;

  final Vertx vertx;
  final WorkflowStore store;
  final Recipes recipes;
  final AgentCommands commands;
  final Map<String, Target> targets;
  final Map<String, TopologyRecord> topologies = new LinkedHashMap<>();
  final Map<String, TopologyNode> nodes = new LinkedHashMap<>();
  /** Jobs not ended, and the ones that ended while this engine ran (until pruned). */
  final Map<String, Job> jobs = new LinkedHashMap<>();
  final JobEffects effects;
  private final Map<String, Long> awaitingSince = new HashMap<>();
  private boolean pumpQueued;
  private long agentPoll = -1;
  private boolean stopped;

  Engine(Vertx vertx, WorkflowStore store, Recipes recipes, AgentCommands commands, Map<String, Target> targets) {
    this.vertx = vertx;
    this.store = store;
    this.recipes = recipes;
    this.commands = commands;
    this.targets = targets;
    this.effects = new JobEffects(this);
  }

  void stop() {
    stopped = true;
  }

  long now() {
    return System.currentTimeMillis();
  }

  Target target(TopologyRecord topology) {
    return targets.get(topology.spec.target());
  }

  /** Runs {@link #pump()} soon, once however many changes ask for it meanwhile. */
  void schedule() {
    if (pumpQueued || stopped) {
      return;
    }
    pumpQueued = true;
    vertx.runOnContext(go -> {
      pumpQueued = false;
      if (!stopped) {
        pump();
      }
    });
  }

  private void pump() {
    long now = now();
    boolean awaiting = false;
    for (Job job : List.copyOf(jobs.values())) {
      if (job.state != Job.State.RUNNING) {
        continue;
      }
      for (Workflow workflow : job.workflows) {
        for (Stage stage : workflow.stages) {
          if (!stage.ready(job)) {
            continue;
          }
          List<Task> toSpawn = new ArrayList<>();
          for (Task task : stage.tasks) {
            if (task.state.ended() || task.busy) {
              continue;
            }
            if (task.notBefore != null && task.notBefore > now) {
              vertx.setTimer(Math.max(1, task.notBefore - now), tick -> schedule());
              continue;
            }
            String step = task.currentStep();
            if (Step.SPAWN.equals(step)) {
              toSpawn.add(task);
            } else if (Step.AWAIT_AGENT.equals(step)) {
              awaiting = true;
            } else {
              advance(job, task);
            }
          }
          if (!toSpawn.isEmpty()) {
            spawn(job, toSpawn);
          }
        }
      }
      if (job.state == Job.State.RUNNING && job.allSucceeded()) {
        effects.succeeded(job);
      }
    }
    if (awaiting && agentPoll < 0) {
      agentPoll = vertx.setTimer(AGENT_POLL_MILLIS, tick -> {
        agentPoll = -1;
        pollAgents();
      });
    }
    effects.reconfigureWhereImportsChanged();
  }

  private void advance(Job job, Task task) {
    task.busy = true;
    int stepBefore = task.step;
    Task.State stateBefore = task.state;
    Future<Void> step;
    try {
      step = runStep(job, task);
    } catch (RuntimeException bug) {
      step = Future.failedFuture(bug);
    }
    step.onComplete(done -> {
      task.busy = false;
      settleIfCancelled(job, task);
      if (done.failed()) {
        LOG.error("Job {} task {}: step {} failed", job.id, task.id, task.currentStep(), done.cause());
        vertx.setTimer(1_000, tick -> schedule());
      } else if (task.step != stepBefore || task.state != stateBefore) {
        // A task still waiting changed nothing: what it waits for schedules the next look.
        schedule();
      }
    });
  }

  private Future<Void> runStep(Job job, Task task) {
    String step = task.currentStep();
    TopologyNode node = nodes.get(task.nodeId);
    TopologyRecord topology = topologies.get(job.topologyId);
    if (step == null) {
      return finish(job, task);
    }
    if (node == null || topology == null) {
      return fail(job, task, null, List.of(), "the node " + task.nodeName + " is gone");
    }
    String stage = Step.scriptOf(step);
    if (stage != null) {
      if (node.agentNodeId == null) {
        // Nothing ever ran there (a node deleted before its agent came): nothing to undo.
        return next(job, task, new Writes());
      }
      Recipe recipe = recipe(topology, node);
      return command(job, task, node, "stage", stageArgs(topology, node, recipe, stage),
          recipe.policy(stage), NodeSteps.stateWhileRunning(task.stage.workflow.kind, stage));
    }
    return switch (step) {
      case Step.SHIP -> {
        Recipe recipe = recipe(topology, node);
        yield command(job, task, node, "recipe", new JsonObject().put("type", recipe.type())
            .put("version", recipe.version()).put("digest", recipe.digest())
            .put("files", new JsonObject(new LinkedHashMap<>(recipe.files()))), PLUMBING,
            NodeSteps.stateWhileRunning(task.stage.workflow.kind, "install"));
      }
      case Step.LEAVE -> node.agentNodeId == null || !target(topology).agentLeaves() ? next(job, task, new Writes())
          : command(job, task, node, "leave", new JsonObject(), PLUMBING, TopologyNode.State.DELETING);
      default -> NodeSteps.run(this, job, task, topology, node, step);
    };
  }

  /** A task whose step was running when its job was cancelled ends there: nothing new starts. */
  void settleIfCancelled(Job job, Task task) {
    if (job.state == Job.State.CANCELLED && !task.state.ended() && !task.busy) {
      task.state = Task.State.CANCELLED;
      task.endedAt = now();
      save(job, task, new Writes());
    }
  }

  Recipe recipe(TopologyRecord topology, TopologyNode node) {
    var component = topology.component(node.component);
    return recipes.find(component.type(), component.version()).orElseThrow(() -> new IllegalStateException(
        "recipe " + component.type() + "/" + component.version() + " is no longer in the recipes directory"));
  }

  private JsonObject stageArgs(TopologyRecord topology, TopologyNode node, Recipe recipe, String stage) {
    return new JsonObject().put("type", recipe.type()).put("version", recipe.version()).put("digest", recipe.digest())
        .put("stage", stage).put("timeoutMs", recipe.policy(stage).timeoutMs())
        .put("env", new JsonObject(new LinkedHashMap<>(Imports.env(topology, node, nodes.values()))));
  }

  /**
   * A step that is a command on the node's agent. A new attempt's command id is stored first; a
   * task resumed with a stored id asks for that same command.
   */
  private Future<Void> command(Job job, Task task, TopologyNode node, String action, JsonObject args,
      StagePolicy policy, TopologyNode.State nodeState) {
    Future<Void> stored = Future.succeededFuture();
    if (task.commandId == null) {
      task.commandId = UUID.randomUUID().toString();
      task.attempts++;
      task.state = Task.State.RUNNING;
      task.startedAt = task.startedAt == null ? now() : task.startedAt;
      task.notBefore = null;
      Writes writes = new Writes();
      if (nodeState != null && node.state != nodeState) {
        node.state = nodeState;
        NodeSteps.nodeChanged(this, writes, topologies.get(job.topologyId), node);
      }
      stored = save(job, task, writes);
    }
    String commandId = task.commandId;
    return stored.compose(saved -> commands.run(node.agentNodeId, commandId, action, args, policy.timeoutMs()))
        .compose(result -> commandId.equals(task.commandId) ? result(job, task, node, result, policy)
            : Future.succeededFuture());
  }

  private Future<Void> result(Job job, Task task, TopologyNode node, JsonObject result, StagePolicy policy) {
    List<String> lines = lines(result.getJsonArray("output"));
    task.exitCode = result.getInteger("exitCode");
    task.lastLines = lines;
    task.commandId = null;
    if ("succeeded".equals(result.getString("status"))) {
      Writes writes = new Writes();
      JsonObject data = result.getJsonObject("data", new JsonObject());
      JsonObject published = data.getJsonObject("exports");
      if (published != null && !published.isEmpty()) {
        node.exports = node.exports.copy().mergeIn(published);
        NodeSteps.nodeChanged(this, writes, topologies.get(job.topologyId), node);
      }
      task.detail = null;
      return next(job, task, writes);
    }
    if (task.attempts <= policy.retries()) {
      long backoff = policy.backoffMs() << Math.min(10, task.attempts - 1);
      task.notBefore = now() + backoff;
      task.detail = "attempt " + task.attempts + " of " + (policy.retries() + 1) + " failed"
          + (task.exitCode == null ? "" : " (exit code " + task.exitCode + ")") + "; retrying in " + backoff + " ms";
      // The task's step and state are unchanged, so advance() schedules no pump: the retry's own timer does.
      return save(job, task, new Writes()).onSuccess(saved -> vertx.setTimer(Math.max(1, backoff), tick -> schedule()));
    }
    String failure = task.script() + " failed on " + task.nodeName
        + (task.exitCode == null ? "" : " with exit code " + task.exitCode);
    if (job.kind.equals("delete")) {
      // An operator deleting wants it gone: the target's sweep removes what a failed script left.
      List<String> told = new ArrayList<>(lines);
      told.add(failure + "; the deletion goes on");
      task.lastLines = List.copyOf(told);
      return next(job, task, new Writes());
    }
    return fail(job, task, task.exitCode, lines, failure);
  }

  /** The task moves to its next step; attempts count again from there if that step is a command. */
  Future<Void> next(Job job, Task task, Writes writes) {
    task.step++;
    task.detail = null;
    task.state = Task.State.RUNNING;
    task.startedAt = task.startedAt == null ? now() : task.startedAt;
    task.commandId = null;
    task.notBefore = null;
    String following = task.currentStep();
    if (following != null && (Step.scriptOf(following) != null || Step.SHIP.equals(following)
        || Step.LEAVE.equals(following))) {
      task.attempts = 0;
    }
    if (following == null) {
      task.state = Task.State.SUCCEEDED;
      task.endedAt = now();
    }
    return save(job, task, writes);
  }

  private Future<Void> finish(Job job, Task task) {
    task.state = Task.State.SUCCEEDED;
    task.endedAt = now();
    return save(job, task, new Writes());
  }

  /** The task waits (for imports): stored once, looked at again whenever anything changes. */
  Future<Void> waiting(Job job, Task task, String detail) {
    if (task.state == Task.State.WAITING && detail.equals(task.detail)) {
      return Future.succeededFuture();
    }
    task.state = Task.State.WAITING;
    task.detail = detail;
    task.startedAt = task.startedAt == null ? now() : task.startedAt;
    return save(job, task, new Writes());
  }

  Future<Void> fail(Job job, Task task, Integer exitCode, List<String> lines, String message) {
    task.state = Task.State.FAILED;
    task.endedAt = now();
    task.exitCode = exitCode;
    task.lastLines = lines;
    task.detail = message;
    Writes writes = new Writes();
    TopologyNode node = nodes.get(task.nodeId);
    if (node != null && node.state != TopologyNode.State.FAILED) {
      node.state = TopologyNode.State.FAILED;
      NodeSteps.nodeChanged(this, writes, topologies.get(job.topologyId), node);
    }
    if (job.state == Job.State.RUNNING) {
      job.error = new JsonObject().put("message", message).put("workflow", task.stage.workflow.id)
          .put("stage", task.stage.name).put("task", task.id).put("nodeId", task.nodeId).put("nodeName", task.nodeName)
          .put("script", task.script()).put("exitCode", exitCode).put("lastLines", new JsonArray(lines));
      effects.ended(job, Job.State.FAILED, writes);
    }
    return save(job, task, writes);
  }

  /** Stores {@code writes}, unless this engine stopped (its memory is no longer the truth). */
  Future<Void> write(Writes writes) {
    return stopped ? Future.failedFuture(new IllegalStateException("the workflow engine stopped"))
        : store.write(writes);
  }

  /** Stores the task's new state with {@code writes}, and the events that tell about it. */
  Future<Void> save(Job job, Task task, Writes writes) {
    WorkflowStore.task(writes, job, task);
    WorkflowStore.job(writes, job);
    TopologyRecord topology = topologies.get(job.topologyId);
    String tenant = topology == null ? job.tenantId : topology.tenantId;
    writes.event("job.task", "job/" + job.id, tenant, new JsonObject().put("jobId", job.id)
        .put("topologyId", job.topologyId).put("workflow", task.stage.workflow.id).put("stage", task.stage.name)
        .put("stageState", task.stage.state(job)).put("task", task.toJson())
        .put("progress", new JsonObject().put("done", job.done()).put("total", job.total())), null);
    return write(writes);
  }

  private void spawn(Job job, List<Task> tasks) {
    TopologyRecord topology = topologies.get(job.topologyId);
    List<TopologyNode> spawning = new ArrayList<>();
    Writes writes = new Writes();
    for (Task task : tasks) {
      task.busy = true;
      task.state = Task.State.RUNNING;
      task.startedAt = task.startedAt == null ? now() : task.startedAt;
      TopologyNode node = nodes.get(task.nodeId);
      if (node != null) {
        node.state = TopologyNode.State.SPAWNING;
        NodeSteps.nodeChanged(this, writes, topology, node);
        spawning.add(node);
      }
    }
    Future<Void> started = Future.all(tasks.stream().map(task -> save(job, task, new Writes())).toList())
        .compose(saved -> write(writes));
    started.compose(saved -> target(topology).spawn(topology, spawning)).onComplete(spawned -> {
      tasks.forEach(task -> task.busy = false);
      if (job.state == Job.State.CANCELLED) {
        tasks.forEach(task -> settleIfCancelled(job, task));
        return;
      }
      List<Future<Void>> saved = new ArrayList<>();
      for (Task task : tasks) {
        TopologyNode node = nodes.get(task.nodeId);
        if (spawned.failed()) {
          saved.add(fail(job, task, null, List.of(String.valueOf(spawned.cause().getMessage())),
              "could not spawn " + task.nodeName + ": " + spawned.cause().getMessage()));
        } else {
          Writes placed = new Writes();
          if (node != null) {
            node.placement = spawned.result().get(node.id);
            NodeSteps.nodeChanged(this, placed, topology, node);
          }
          saved.add(next(job, task, placed));
        }
      }
      Future.all(saved).onComplete(done -> schedule());
    });
  }

  /** Nodes whose agent said hello move on; one that does not come in time fails its task. */
  private void pollAgents() {
    Map<String, List<Task>> byTopology = new HashMap<>();
    Map<Task, Job> jobOf = new HashMap<>();
    for (Job job : jobs.values()) {
      if (job.state != Job.State.RUNNING) {
        continue;
      }
      for (Task task : job.tasks()) {
        if (!task.busy && !task.state.ended() && Step.AWAIT_AGENT.equals(task.currentStep()) && task.stage.ready(job)) {
          byTopology.computeIfAbsent(job.topologyId, id -> new ArrayList<>()).add(task);
          jobOf.put(task, job);
        }
      }
    }
    long now = now();
    List<Future<?>> polls = new ArrayList<>();
    byTopology.forEach((topologyId, tasks) -> {
      TopologyRecord topology = topologies.get(topologyId);
      List<TopologyNode> waiting = tasks.stream().map(task -> nodes.get(task.nodeId)).filter(n -> n != null).toList();
      tasks.forEach(task -> task.busy = true);
      polls.add(target(topology).agents(topology, waiting).onComplete(found -> {
        tasks.forEach(task -> task.busy = false);
        if (jobOf.get(tasks.get(0)).state == Job.State.CANCELLED) {
          tasks.forEach(task -> settleIfCancelled(jobOf.get(task), task));
          return;
        }
        for (Task task : tasks) {
          TopologyNode node = nodes.get(task.nodeId);
          String agent = found.succeeded() ? found.result().get(task.nodeId) : null;
          long since = awaitingSince.computeIfAbsent(task.id, id -> now);
          if (node != null && agent != null) {
            awaitingSince.remove(task.id);
            node.agentNodeId = agent;
            node.state = TopologyNode.State.SPAWNED;
            Writes writes = new Writes();
            NodeSteps.nodeChanged(this, writes, topology, node);
            next(jobOf.get(task), task, writes);
          } else if (now - since > AGENT_WAIT_MILLIS) {
            awaitingSince.remove(task.id);
            fail(jobOf.get(task), task, null, List.of(), "the agent of " + task.nodeName + " did not say hello within "
                + AGENT_WAIT_MILLIS / 1000 + " s; " + target(topology).whereToLook(topology, node));
          } else if (task.state != Task.State.WAITING) {
            waiting(jobOf.get(task), task, "waiting for the agent of " + task.nodeName + " to say hello");
          }
        }
      }));
    });
    Future.join(polls).onComplete(done -> schedule());
  }

  static List<String> lines(JsonArray output) {
    List<String> lines = new ArrayList<>();
    if (output != null) {
      output.forEach(line -> lines.add(String.valueOf(line)));
    }
    return List.copyOf(lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
