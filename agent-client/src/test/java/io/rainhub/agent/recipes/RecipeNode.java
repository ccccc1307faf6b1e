package io.rainhub.agent.recipes;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One topology node whose recipe scripts a test runs as the agent does (docs/workflows.md, "What
 * a script gets"): bash in the node's directory, the RAIN_* variables, the stage's timeout and
 * retries from recipe.json, the exports read back from RAIN_EXPORTS_FILE.
 */
final class RecipeNode {

  private final String name;
  private final Path recipe;
  private final Path dir;
  private final Path work;
  private final Path agentJar;
  private final JsonObject stages;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private Map<String, String> exports = Map.of();

  /** {@code settings} override the recipe's default settings, as a component's do. */
  RecipeNode(String name, Path recipe, Path work, Path agentJar, Map<String, String> settings) throws IOException {
    this.name = name;
    this.recipe = recipe;
    this.work = work;
    this.agentJar = agentJar;
    this.dir = Files.createDirectories(work.resolve(name));
    // As root, PostgreSQL runs as the 'postgres' user, who must reach the node directory.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    JsonObject recipeJson = new JsonObject(Files.readString(recipe.resolve("recipe.json")));
    this.stages = recipeJson.getJsonObject("stages", new JsonObject());
    recipeJson.getJsonObject("settings", new JsonObject())
        .forEach(setting -> this.settings.put(setting.getKey(), String.valueOf(setting.getValue())));
    this.settings.putAll(settings);
  }

  String name() {
    return name;
  }

  Path dir() {
    return dir;
  }

  /** What the last successful stage published. */
  Map<String, String> exports() {
    return exports;
  }

  /** Runs {@code <stage>.sh} (an absent one succeeds) with these imports; returns its output. */
  String run(String stage, Map<String, String> imports) throws IOException, InterruptedException {
    Path script = recipe.resolve(stage + ".sh");
    if (!Files.exists(script)) {
      return "";
    }
    JsonObject policy = stages.getJsonObject("default", new JsonObject()).copy()
        .mergeIn(stages.getJsonObject(stage, new JsonObject()));
    long timeoutMs = policy.getLong("timeoutMs", 30_000L);
    int attempts = 1 + policy.getInteger("retries", 0);
    StringBuilder tried = new StringBuilder();
    for (int attempt = 1; ; attempt++) {
      Path exportsFile = Files.createTempFile(work, name + "-" + stage + "-", ".exports");
      Path log = Files.createTempFile(work, name + "-" + stage + "-", ".log");
      ProcessBuilder builder = new ProcessBuilder("bash", script.toAbsolutePath().toString()).directory(dir.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(
              Path.of("/dev/null").toFile()));
      environment(builder.environment(), exportsFile, imports);
      Process process = builder.start();
      boolean finished = process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
      if (!finished) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      System.out.print(output.lines().map(line -> "[" + name + " " + stage + "] " + line + "\n")
          .reduce("", String::concat));
      if (finished && process.exitValue() == 0) {
        exports = readExports(exportsFile);
        return output;
      }
      tried.append("attempt ").append(attempt).append(finished ? ": exit " + process.exitValue() : ": timed out after "
          + timeoutMs + " ms").append('\n').append(output);
      if (attempt >= attempts) {
        throw new AssertionError(name + " " + stage + ".sh failed:\n" + tried);
      }
      Thread.sleep(policy.getLong("backoffMs", 1000L));
    }
  }

  /** Runs the creation stages in order: install, pre-config, configure, start, validate. */
  void create(Map<String, String> imports) throws IOException, InterruptedException {
    for (String stage : List.of("install", "pre-config", "configure", "start")) {
      run(stage, imports);
    }
    Map<String, String> published = exports;
    run("validate", imports);
    exports = published; // the node's exports are what start.sh published
  }

  private void environment(Map<String, String> env, Path exportsFile, Map<String, String> imports) {
    // The test's own RAIN_* variables must not reach the script; the JDK running the test is the one on PATH.
    env.keySet().removeIf(key -> key.startsWith("RAIN"));
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("RAIN_NODE_NAME", name);
    env.put("RAIN_NODE_DIR", dir.toAbsolutePath().toString());
    env.put("RAIN_EXPORTS_FILE", exportsFile.toAbsolutePath().toString());
    env.put("RAIN_AGENT_JAR", agentJar.toString());
    settings.forEach((key, value) -> env.put("RAIN_SETTING_" + envName(key), value));
    env.putAll(imports);
  }

  /** RAIN_IMPORT_* of {@code component} as the engine builds them: exporters ordered by node name. */
  static Map<String, String> imports(String component, List<RecipeNode> exporters, String... vars) {
    List<RecipeNode> ordered = new ArrayList<>(exporters);
    ordered.sort(Comparator.comparing(RecipeNode::name));
    String prefix = "RAIN_IMPORT_" + envName(component) + "_";
    Map<String, String> env = new LinkedHashMap<>();
    env.put(prefix + "COUNT", Integer.toString(ordered.size()));
    for (int n = 0; n < ordered.size(); n++) {
      RecipeNode node = ordered.get(n);
      env.put(prefix + n + "_NAME", node.name());
      for (String var : vars) {
        String value = node.exports().get(var);
        if (value == null) {
          throw new IllegalStateException(node.name() + " exports no " + var + ": " + node.exports());
        }
        env.put(prefix + n + "_" + envName(var), value);
      }
    }
    return env;
  }

  static String envName(String name) {
    return name.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  private static Map<String, String> readExports(Path file) throws IOException {
    Map<String, String> exports = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        exports.put(line.substring(0, equals).trim(), line.substring(equals + 1).trim());
      }
    }
    return exports;
  }
}
