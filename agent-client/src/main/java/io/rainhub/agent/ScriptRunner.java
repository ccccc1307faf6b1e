package io.rainhub.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs lifecycle scripts by convention: {@code DIR/<component>/<version>/<step>.sh}, with bash, in
 * the script's folder. Inputs arrive as environment variables ({@code RAIN_INPUT_<NAME>}) and as a
 * JSON file named by {@code RAIN_INPUT_FILE}. A step without a script has nothing to do and
 * succeeds. Node-level scripts ({@code DIR/_node/<action>.sh}) and guest commands run the same way.
 * Blocking: agents call it from a worker thread.
 */
public final class ScriptRunner {

  /** Component ids and versions as the hub accepts them: no path separators, no "..". */
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
  private static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final Pattern NODE_ACTION = Pattern.compile("[a-z]{1,32}");
  /** Node-level scripts live beside the components; the underscore keeps the name out of their namespace. */
  private static final String NODE_SCRIPTS = "_node";
  private static final int KEPT_LINES = 50;
  /** Keeps a result frame far below the protocol's 1 MiB even when a script prints huge lines. */
  private static final int MAX_LINE_CHARS = 2_000;

  private final Path scriptsDir;

  public ScriptRunner(Path scriptsDir) {
    this.scriptsDir = scriptsDir.toAbsolutePath().normalize();
  }

  /**
   * @param inputs values for the script, each also exported as {@code RAIN_INPUT_<NAME>}
   * @param inputJson the same inputs as a JSON document, written to a file for scripts that prefer it
   */
  public StepResult run(String component, String version, LifecycleStep step, Map<String, String> inputs,
      String inputJson, Duration timeout) throws IOException, InterruptedException {
    if (!SAFE.matcher(component).matches() || !SAFE.matcher(version).matches() || version.contains("..")
        || component.contains("..")) {
      throw new IllegalArgumentException("unsafe component or version: " + component + " " + version);
    }
    Path script = scriptsDir.resolve(component).resolve(version).resolve(step.scriptName()).normalize();
    Map<String, String> env = Map.of(
        "RAIN_COMPONENT", component,
        "RAIN_VERSION", version,
        "RAIN_STEP", step.name().toLowerCase(Locale.ROOT));
    return runScript(script, script.getParent(), env, inputs, inputJson, timeout);
  }

  /**
   * Runs the node-level script {@code DIR/_node/<action>.sh} (rain servers: connect, disconnect,
   * reset), with the same inputs and rules as a lifecycle step.
   */
  public StepResult runNodeScript(String action, Map<String, String> inputs, String inputJson, Duration timeout)
      throws IOException, InterruptedException {
    if (!NODE_ACTION.matcher(action).matches()) {
      throw new IllegalArgumentException("unsafe node action: " + action);
    }
    Path script = scriptsDir.resolve(NODE_SCRIPTS).resolve(action + ".sh").normalize();
    return runScript(script, script.getParent(), Map.of("RAIN_STEP", action), inputs, inputJson, timeout);
  }

  /**
   * Runs {@code script}, a file under this runner's folder, in {@code workingDir}: a recipe's stage,
   * which works in the node's directory rather than beside the script. An absent script succeeds.
   *
   * @param scriptEnv variables for the script beyond the agent's own and the inputs
   */
  public StepResult runIn(Path script, Path workingDir, Map<String, String> scriptEnv, Map<String, String> inputs,
      String inputJson, Duration timeout) throws IOException, InterruptedException {
    return runScript(script.toAbsolutePath().normalize(), workingDir, scriptEnv, inputs, inputJson, timeout);
  }

  /** Runs {@code bash -c command} in the scripts folder: the agent's guest commands. */
  public StepResult runCommand(String command, Duration timeout) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", command)
        .directory(scriptsDir.toFile())
        .redirectErrorStream(true);
    return execute(builder, timeout);
  }

  /** Whether {@code name} can be an input: it becomes part of an environment variable name. */
  public static boolean usableInputName(String name) {
    return INPUT_NAME.matcher(name).matches();
  }

  private StepResult runScript(Path script, Path workingDir, Map<String, String> scriptEnv, Map<String, String> inputs,
      String inputJson, Duration timeout) throws IOException, InterruptedException {
    for (String name : inputs.keySet()) {
      if (!usableInputName(name)) {
        throw new IllegalArgumentException("input name not usable as an environment variable: " + name);
      }
    }
    if (!script.startsWith(scriptsDir) || !Files.isRegularFile(script)) {
      return StepResult.nothingToDo();
    }
    Path inputFile = Files.createTempFile("rain-input-", ".json");
    try {
      Files.writeString(inputFile, inputJson == null ? "{}" : inputJson);
      ProcessBuilder builder = new ProcessBuilder("bash", script.toString())
          .directory(workingDir.toFile())
          .redirectErrorStream(true);
      Map<String, String> env = builder.environment();
      env.putAll(scriptEnv);
      env.put("RAIN_INPUT_FILE", inputFile.toString());
      inputs.forEach((name, value) -> env.put("RAIN_INPUT_" + name.toUpperCase(Locale.ROOT), value));
      return execute(builder, timeout);
    } finally {
      Files.deleteIfExists(inputFile);
    }
  }

  private static StepResult execute(ProcessBuilder builder, Duration timeout) throws IOException, InterruptedException {
    Process process = builder.start();
    process.getOutputStream().close();
    Deque<String> lastLines = new ArrayDeque<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader output = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = output.readLine(); line != null; line = output.readLine()) {
          synchronized (lastLines) {
            lastLines.addLast(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) : line);
            if (lastLines.size() > KEPT_LINES) {
              lastLines.removeFirst();
            }
          }
        }
      } catch (IOException closed) {
        // the process went away
      }
    }, "script-output");
    reader.setDaemon(true);
    reader.start();
    boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      // The script before what it started: the other way round, bash may live long enough to print
      // "Killed" for its child into the output.
      List<ProcessHandle> children = process.descendants().toList();
      process.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
      process.waitFor(5, TimeUnit.SECONDS);
    }
    reader.join(2_000);
    List<String> kept;
    synchronized (lastLines) {
      kept = List.copyOf(lastLines);
    }
    if (!finished) {
      return new StepResult(false, -1, kept, true, true);
    }
    int exit = process.exitValue();
    return new StepResult(exit == 0, exit, kept, true, false);
  }
}
