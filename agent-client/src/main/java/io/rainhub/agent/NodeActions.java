package io.rainhub.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What each command action of docs/agent-protocol.md does on this node: which steps run, in which
 * order, and how the instances and wires of the {@link AgentState} change. Runs on the agent's
 * event loop; the steps themselves run wherever {@link Steps} puts them.
 */
public final class NodeActions {

  public static final String RUNNING = "RUNNING";
  public static final String FAILED = "FAILED";

  private static final List<LifecycleStep> INSTANTIATE_STEPS =
      List.of(LifecycleStep.INSTALL, LifecycleStep.CONFIGURE, LifecycleStep.START);
  private static final List<LifecycleStep> STOP_STEPS = List.of(LifecycleStep.STOP, LifecycleStep.UNDEPLOY);
  private static final int KEPT_LINES = 50;

  private final AgentState state;
  private final Steps steps;
  private final boolean allowGuest;
  private final Duration guestTimeout;
  /** A generic node's recipe, stage and leave; null on nodes that have none. */
  private final RecipeActions recipes;
  /** The command running now and who hears of its steps: commands run one at a time. */
  private Command current;
  private StepListener listener = StepListener.NONE;

  /** @param guestTimeout for guest commands that give no {@code timeoutMs} */
  public NodeActions(AgentState state, Steps steps, boolean allowGuest, Duration guestTimeout) {
    this(state, steps, allowGuest, guestTimeout, null);
  }

  /** @param recipes the actions of a generic node in a topology, or null */
  public NodeActions(AgentState state, Steps steps, boolean allowGuest, Duration guestTimeout,
      RecipeActions recipes) {
    this.state = state;
    this.steps = steps;
    this.allowGuest = allowGuest;
    this.guestTimeout = guestTimeout;
    this.recipes = recipes;
  }

  /** A result was sent to the hub (not merely stored): after {@code leave}'s, the node goes. */
  public void resultSent(String action, JsonObject result) {
    if (recipes != null) {
      recipes.resultSent(action, result);
    }
  }

  /** Told as each lifecycle step of a command starts, so the hub can show the instance's progress. */
  @FunctionalInterface
  public interface StepListener {
    StepListener NONE = (command, step) -> { };

    void started(Command command, LifecycleStep step);
  }

  /** Never fails: whatever goes wrong, including bad args, is a failed outcome the hub can read. */
  public Future<CommandOutcome> execute(Command command) {
    return execute(command, StepListener.NONE);
  }

  /** As {@link #execute(Command)}, telling {@code listener} as each lifecycle step starts. */
  public Future<CommandOutcome> execute(Command command, StepListener listener) {
    current = command;
    this.listener = listener;
    if (recipes != null && recipes.leaving()) {
      return Future.succeededFuture(CommandOutcome.failed("not run: the node is leaving its topology"));
    }
    Future<CommandOutcome> outcome;
    try {
      JsonObject args = command.args();
      outcome = switch (command.action()) {
        case "instantiate" -> instantiate(args);
        case "stop" -> stop(args);
        case "refresh" -> refresh(args);
        case "update" -> update(args);
        case "connect" -> connect(args);
        case "disconnect" -> disconnect(args);
        case "reset" -> reset(args);
        case "guest" -> guest(args);
        case "recipe" -> recipes().recipe(args);
        case "stage" -> recipes().stage(args);
        case RecipeActions.LEAVE -> recipes().leave();
        default -> Future.succeededFuture(CommandOutcome.failed("unknown action: " + command.action()));
      };
    } catch (IllegalArgumentException | ClassCastException invalid) {
      outcome = Future.failedFuture(invalid);
    }
    return outcome.recover(error -> Future.succeededFuture(
        CommandOutcome.failed(command.action() + " failed: " + error.getMessage())));
  }

  private RecipeActions recipes() {
    if (recipes == null) {
      throw new IllegalArgumentException("only generic nodes run recipes: this node has none");
    }
    return recipes;
  }

  private Future<CommandOutcome> instantiate(JsonObject args) {
    String instanceId = required(args, "instanceId");
    String componentId = required(args, "componentId");
    String version = required(args, "version");
    return lifecycle(componentId, version, INSTANTIATE_STEPS, args).map(run -> {
      String instanceState = run.succeeded() ? RUNNING : FAILED;
      state.putInstance(instanceId, new JsonObject()
          .put("componentId", componentId)
          .put("version", version)
          .put("role", args.getValue("role"))
          .put("generation", args.getValue("generation"))
          .put("state", instanceState));
      return CommandOutcome.of(run, failedStep(instanceData(instanceId, instanceState), run));
    });
  }

  private Future<CommandOutcome> stop(JsonObject args) {
    String instanceId = required(args, "instanceId");
    JsonObject instance = state.instance(instanceId);
    if (instance == null) {
      return Future.succeededFuture(CommandOutcome.succeeded("unknown instance " + instanceId + ": nothing to stop"));
    }
    String componentId = args.getString("componentId", instance.getString("componentId"));
    String version = args.getString("version", instance.getString("version"));
    return lifecycle(componentId, version, STOP_STEPS, args).map(run -> {
      if (run.succeeded()) {
        state.removeInstance(instanceId);
        return CommandOutcome.of(run, null);
      }
      // Half stopped is not running: the hub sees it FAILED and may send stop again.
      state.putInstance(instanceId, instance.copy().put("state", FAILED));
      return CommandOutcome.of(run, failedStep(instanceData(instanceId, FAILED), run));
    });
  }

  private Future<CommandOutcome> refresh(JsonObject args) {
    String instanceId = required(args, "instanceId");
    return lifecycle(required(args, "componentId"), required(args, "version"), List.of(LifecycleStep.REFRESH), args)
        .map(run -> {
          JsonObject instance = state.instance(instanceId);
          if (run.succeeded() && instance != null && args.getValue("generation") != null) {
            state.putInstance(instanceId, instance.copy().put("generation", args.getValue("generation")));
          }
          return CommandOutcome.of(run, null);
        });
  }

  private Future<CommandOutcome> update(JsonObject args) {
    String instanceId = required(args, "instanceId");
    String version = required(args, "version");
    return lifecycle(required(args, "componentId"), version, List.of(LifecycleStep.UPDATE), args).map(run -> {
      JsonObject instance = state.instance(instanceId);
      if (run.succeeded() && instance != null) {
        state.putInstance(instanceId, instance.copy().put("version", version));
      }
      return CommandOutcome.of(run, run.succeeded() ? null : failedStep(new JsonObject(), run));
    });
  }

  private Future<CommandOutcome> connect(JsonObject args) {
    String mothershipId = required(args, "mothershipId");
    String address = required(args, "address");
    return nodeScript("connect", args, () -> state.addWire(mothershipId, address));
  }

  private Future<CommandOutcome> disconnect(JsonObject args) {
    String mothershipId = required(args, "mothershipId");
    return nodeScript("disconnect", args, () -> state.removeWire(mothershipId));
  }

  private Future<CommandOutcome> reset(JsonObject args) {
    return nodeScript("reset", args, state::clearWires);
  }

  private Future<CommandOutcome> guest(JsonObject args) {
    if (!allowGuest) {
      return Future.succeededFuture(CommandOutcome.failed(
          "guest commands are refused: the agent was not started with --allow-guest"));
    }
    String command = required(args, "command");
    Long timeoutMs = args.getLong("timeoutMs");
    Duration timeout = timeoutMs == null ? guestTimeout : Duration.ofMillis(timeoutMs);
    return steps.guest(command, timeout).map(run -> CommandOutcome.of(explained(run, "the command"), null));
  }

  /** The wire changes only once the node's script (if any) agreed, so the state matches what the hub was told. */
  private Future<CommandOutcome> nodeScript(String action, JsonObject args, Runnable onSuccess) {
    return steps.node(action, args).map(run -> {
      if (run.succeeded()) {
        onSuccess.run();
      }
      return CommandOutcome.of(explained(run, "_node/" + action + ".sh"),
          new JsonObject().put("wires", new JsonObject(new TreeMap<>(state.wires()))));
    });
  }

  /** Runs the steps in order and stops at the first failure; the output is the last lines of all of them. */
  private Future<StepResult> lifecycle(String componentId, String version, List<LifecycleStep> todo,
      JsonObject args) {
    Future<StepResult> run = Future.succeededFuture(StepResult.nothingToDo());
    Command command = current;
    StepListener told = listener;
    failedStep = null;
    for (LifecycleStep step : todo) {
      run = run.compose(soFar -> {
        if (!soFar.succeeded()) {
          return Future.succeededFuture(soFar);
        }
        if (command != null) {
          told.started(command, step);
        }
        return steps.lifecycle(componentId, version, step, args).map(next -> {
          if (!next.succeeded()) {
            failedStep = step;
          }
          return append(soFar, explained(next, step.scriptName()));
        });
      });
    }
    return run;
  }

  private static StepResult append(StepResult soFar, StepResult next) {
    List<String> lines = new ArrayList<>(soFar.lastLines());
    lines.addAll(next.lastLines());
    return new StepResult(next.succeeded(), next.scriptPresent() ? next.exitCode() : soFar.exitCode(),
        lastLines(lines), soFar.scriptPresent() || next.scriptPresent(), next.timedOut());
  }

  /** A failure ends with a line saying which script failed and how. */
  static StepResult explained(StepResult run, String what) {
    if (run.succeeded()) {
      return run;
    }
    List<String> lines = new ArrayList<>(run.lastLines());
    lines.add(run.timedOut() ? what + " timed out and was killed" : what + " failed with exit code " + run.exitCode());
    return new StepResult(false, run.exitCode(), lastLines(lines), run.scriptPresent(), run.timedOut());
  }

  static List<String> lastLines(List<String> lines) {
    return List.copyOf(lines.subList(Math.max(0, lines.size() - KEPT_LINES), lines.size()));
  }

  /** The step that failed, so the hub can say which script it was. */
  private LifecycleStep failedStep;

  private JsonObject failedStep(JsonObject data, StepResult run) {
    if (!run.succeeded() && failedStep != null) {
      data.put("failedStep", failedStep.name().toLowerCase(java.util.Locale.ROOT));
    }
    return data;
  }

  private static JsonObject instanceData(String instanceId, String instanceState) {
    return new JsonObject().put("instanceId", instanceId).put("state", instanceState);
  }

  static String required(JsonObject args, String name) {
    String value = args.getString(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("args." + name + " is required");
    }
    return value;
  }
}
