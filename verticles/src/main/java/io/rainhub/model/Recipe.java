package io.rainhub.model;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One recipe as loaded by {@link Recipes}: its {@code recipe.json} read, and the files shipped to a
 * node ({@code recipe.json} and the stage scripts present, as text). {@code stages} holds each
 * stage the recipe names, its missing fields filled from {@code default}, then from
 * {@link StagePolicy#BUILT_IN}.
 */
public record Recipe(String type, String version, String description, JsonObject exportDefaults,
    JsonObject settingDefaults, Map<String, StagePolicy> stages, Map<String, String> files, String digest) {

  public static final String DEFAULT_STAGE = "default";
  public static final String RECIPE_FILE = "recipe.json";
  /** The stages a recipe may script, in the order a creation runs them (update, stop, undeploy after). */
  public static final List<String> STAGES =
      List.of("install", "pre-config", "configure", "start", "validate", "update", "stop", "undeploy");

  public Recipe {
    exportDefaults = exportDefaults.copy();
    settingDefaults = settingDefaults.copy();
    stages = Map.copyOf(stages);
    files = java.util.Collections.unmodifiableMap(new TreeMap<>(files));
  }

  @Override
  public JsonObject exportDefaults() {
    return exportDefaults.copy();
  }

  @Override
  public JsonObject settingDefaults() {
    return settingDefaults.copy();
  }

  /** {@code type/version}, as messages name a recipe. */
  public String key() {
    return type + "/" + version;
  }

  /** The script file of a stage ({@code install.sh}). */
  public static String scriptOf(String stage) {
    return stage + ".sh";
  }

  public boolean hasScript(String stage) {
    return files.containsKey(scriptOf(stage));
  }

  /** The stage's own policy, else the recipe's {@code default}, else the built-in one. */
  public StagePolicy policy(String stage) {
    StagePolicy own = stages.get(stage);
    if (own != null) {
      return own;
    }
    return stages.getOrDefault(DEFAULT_STAGE, StagePolicy.BUILT_IN);
  }

  /**
   * SHA-256 (hex) over the files sorted by name: each name, a NUL byte, its UTF-8 content, a NUL
   * byte. The separators keep "a"+"bc" and "ab"+"c" apart.
   */
  public static String digestOf(Map<String, String> files) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
      sha.update(file.getKey().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(file.getValue().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
