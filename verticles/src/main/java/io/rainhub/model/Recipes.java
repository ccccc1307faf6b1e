package io.rainhub.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The recipes under {@code --recipes DIR}: {@code <dir>/<type>/<version>/recipe.json} plus the
 * stage scripts present. Loaded once at start; {@link #load} blocks (call it from a worker).
 */
public final class Recipes {

  private final Map<String, Recipe> byKey;
  private final String warning;

  private Recipes(List<Recipe> recipes, String warning) {
    Map<String, Recipe> map = new LinkedHashMap<>();
    recipes.stream().sorted(Comparator.comparing(Recipe::type).thenComparing(Recipe::version))
        .forEach(r -> {
          if (map.putIfAbsent(r.key(), r) != null) {
            throw new IllegalArgumentException("recipe " + r.key() + " is given twice");
          }
        });
    this.byKey = map;
    this.warning = warning;
  }

  /** A set of recipes made in code (tests, or a caller that read them elsewhere). */
  public static Recipes of(List<Recipe> recipes) {
    return new Recipes(recipes, null);
  }

  /**
   * Reads every recipe under {@code dir}. A missing directory gives no recipes and a
   * {@link #warning()}; an invalid recipe is an {@link IllegalArgumentException} naming its file
   * and field, so a misconfigured hub refuses to start rather than refuse topologies later.
   */
  public static Recipes load(Path dir) {
    if (!Files.exists(dir)) {
      return new Recipes(List.of(), "recipes directory " + dir.toAbsolutePath() + " does not exist; no recipe is available");
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("recipes directory " + dir.toAbsolutePath() + " is not a directory");
    }
    List<Recipe> recipes = new ArrayList<>();
    for (Path typeDir : subdirectories(dir)) {
      for (Path versionDir : subdirectories(typeDir)) {
        recipes.add(RecipeReader.read(versionDir));
      }
    }
    return new Recipes(recipes, recipes.isEmpty() ? "recipes directory " + dir.toAbsolutePath() + " holds no recipe" : null);
  }

  public Optional<Recipe> find(String type, String version) {
    return Optional.ofNullable(byKey.get(type + "/" + version));
  }

  /** Every recipe, by type then version. */
  public List<Recipe> all() {
    return List.copyOf(byKey.values());
  }

  /** Why there is no recipe, for the caller to log; empty when recipes were found. */
  public Optional<String> warning() {
    return Optional.ofNullable(warning);
  }

  /** The known recipes as a message lists them: {@code haproxy/1.0, webapp/1.0}, or {@code none}. */
  public String describe() {
    return byKey.isEmpty() ? "none" : String.join(", ", byKey.keySet());
  }

  // Hidden entries (.git, editor files) are not recipes.
  private static List<Path> subdirectories(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(Files::isDirectory)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list recipes directory " + dir, e);
    }
  }
}
