package io.rainhub.agent;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The actions of a generic node in a topology (docs/workflows.md, "Agent commands for topology
 * nodes"): {@code recipe} installs the files of a recipe, {@code stage} runs one of its scripts in
 * the node's directory and reads what it exported, {@code leave} ends the node once the hub has its
 * answer. Called by {@link NodeActions} on the agent's event loop; files and scripts are handled on
 * the scripts' worker pool.
 */
public final class RecipeActions {

  public static final List<String> STAGES =
      List.of("install", "pre-config", "configure", "start", "validate", "update", "stop", "undeploy");
  public static final String LEAVE = "leave";

  private static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");

  private final ScriptSteps workers;
  private final NodeLayout layout;
  private final RecipeStore store;
  private final ScriptRunner runner;
  private final Duration defaultTimeout;
  private final Runnable onLeft;
  private final String agentJar = NodeLayout.agentJar();
  private boolean leaving;
  private boolean left;

  /**
   * @param defaultTimeout for stages whose command gives no {@code timeoutMs}
   * @param onLeft run once, after the hub was sent the succeeded result of {@code leave}: removes
   *     the node and stops its agent
   */
  public RecipeActions(ScriptSteps workers, NodeLayout layout, Duration defaultTimeout, Runnable onLeft) {
    this.workers = workers;
    this.layout = layout;
    this.store = new RecipeStore(layout);
    this.runner = new ScriptRunner(layout.recipesDir());
    this.defaultTimeout = defaultTimeout;
    this.onLeft = onLeft;
  }

  /** Once {@code leave} ran, the node takes no other command. */
  public boolean leaving() {
    return leaving;
  }

  public Future<CommandOutcome> recipe(JsonObject args) {
    String type = NodeActions.required(args, "type");
    String version = NodeActions.required(args, "version");
    String digest = NodeActions.required(args, "digest");
    RecipeStore.checkTypeAndVersion(type, version);
    RecipeStore.checkDigest(digest);
    if (!(args.getValue("files") instanceof JsonObject files)) {
      throw new IllegalArgumentException("args.files must be an object of file name → text");
    }
    Map<String, String> texts = new LinkedHashMap<>();
    files.forEach(file -> {
      if (!(file.getValue() instanceof String text)) {
        throw new IllegalArgumentException("args.files." + file.getKey() + " must be text");
      }
      texts.put(file.getKey(), text);
    });
    return workers.blocking(() -> {
      store.install(type, version, digest, texts);
      return new CommandOutcome(true, null, List.of("recipe " + type + "/" + version + " installed: "
          + texts.size() + " files, digest " + digest), new JsonObject().put("digest", digest));
    });
  }

  public Future<CommandOutcome> stage(JsonObject args) {
    String type = NodeActions.required(args, "type");
    String version = NodeActions.required(args, "version");
    String digest = NodeActions.required(args, "digest");
    String stage = NodeActions.required(args, "stage");
    if (!STAGES.contains(stage)) {
      throw new IllegalArgumentException("args.stage must be one of " + STAGES + ": " + stage);
    }
    Path script = store.script(type, version, stage);
    Duration timeout = args.getValue("timeoutMs") instanceof Number ms && ms.longValue() > 0
        ? Duration.ofMillis(ms.longValue()) : defaultTimeout;
    List<String> notes = new ArrayList<>();
    Map<String, String> env = environment(stage, args.getValue("env"), notes);
    JsonObject inputs = args.copy();
    inputs.remove("env");
    inputs.remove("files");
    return workers.blocking(() -> {
      String installed = store.installedDigest(type, version);
      if (!digest.equals(installed)) {
        if (installed != null) {
          notes.add("installed: digest " + installed);
        }
        notes.add("recipe " + type + "/" + version + " (digest " + digest + ") is not installed on this node; "
            + "re-sync its scripts (PUT /v1.0/nodes/scripts)");
        return new CommandOutcome(false, null, List.copyOf(notes), stageData(stage, false, new JsonObject(), true));
      }
      return run(stage, script, env, inputs, timeout, notes);
    });
  }

  /** Answers at once; the node goes only once that answer was sent ({@link #resultSent}). */
  public Future<CommandOutcome> leave() {
    leaving = true;
    return Future.succeededFuture(CommandOutcome.succeeded("leaving the topology: node " + layout.nodeName()
        + " removes its directory and stops"));
  }

  /** A result went out to the hub: the one of a succeeded {@code leave} ends the node. */
  public void resultSent(String action, JsonObject result) {
    if (LEAVE.equals(action) && AgentState.SUCCEEDED.equals(result.getString("status")) && !left) {
      leaving = true;
      left = true;
      onLeft.run();
    }
  }

  /** Blocking: the stage's script in the node's directory, then what it exported. */
  private CommandOutcome run(String stage, Path script, Map<String, String> env, JsonObject inputs,
      Duration timeout, List<String> notes) throws IOException, InterruptedException {
    Files.createDirectories(layout.nodeDir());
    Path exports = Files.createTempFile(layout.stateDir(), "exports-", ".env");
    try {
      env.put("RAIN_EXPORTS_FILE", exports.toString());
      StepResult ran = runner.runIn(script, layout.nodeDir(), env, ScriptInputs.flatten(inputs), inputs.encode(),
          timeout);
      List<String> lines = new ArrayList<>(notes);
      lines.addAll(ran.lastLines());
      StepResult run = NodeActions.explained(new StepResult(ran.succeeded(), ran.exitCode(), lines,
          ran.scriptPresent(), ran.timedOut()), stage + ".sh");
      if (!run.succeeded() || !run.scriptPresent()) {
        return CommandOutcome.of(run, stageData(stage, run.scriptPresent(), new JsonObject(), !run.succeeded()));
      }
      try {
        return CommandOutcome.of(run, stageData(stage, true, StageExports.read(exports), false));
      } catch (IllegalArgumentException outOfBounds) {
        lines = new ArrayList<>(run.lastLines());
        lines.add(stage + ".sh: " + outOfBounds.getMessage());
        return new CommandOutcome(false, run.exitCode(), NodeActions.lastLines(lines),
            stageData(stage, true, new JsonObject(), true));
      }
    } finally {
      Files.deleteIfExists(exports);
    }
  }

  /** The agent's own variables come last: a command's {@code env} cannot redirect them. */
  private Map<String, String> environment(String stage, Object given, List<String> notes) {
    if (given != null && !(given instanceof JsonObject)) {
      throw new IllegalArgumentException("args.env must be an object of NAME → value");
    }
    Map<String, String> env = new LinkedHashMap<>();
    if (given instanceof JsonObject variables) {
      variables.forEach(variable -> {
        if (ENV_NAME.matcher(variable.getKey()).matches() && variable.getValue() != null) {
          Object value = variable.getValue();
          env.put(variable.getKey(), value instanceof JsonObject || value instanceof JsonArray
              ? Json.encode(value) : value.toString());
        } else {
          notes.add("env " + variable.getKey() + " ignored: not a variable name of [A-Z_][A-Z0-9_]* with a value");
        }
      });
    }
    env.put("RAIN_STEP", stage);
    env.put("RAIN_NODE_NAME", layout.nodeName());
    env.put("RAIN_NODE_DIR", layout.nodeDir().toString());
    env.put("RAIN_AGENT_JAR", agentJar);
    return env;
  }

  private static JsonObject stageData(String stage, boolean scriptPresent, JsonObject exports, boolean failed) {
    JsonObject data = new JsonObject().put("stage", stage).put("scriptPresent", scriptPresent)
        .put("exports", exports);
    return failed ? data.put("failedStep", stage) : data;
  }
}
