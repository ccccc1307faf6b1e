package io.rainhub.agent;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where a generic node keeps its things (docs/workflows.md): the node's own directory, kept between
 * stages, and the recipes the hub shipped, both inside the agent's state directory so that one
 * {@code rm -r} of it forgets the node.
 */
public record NodeLayout(String nodeName, Path stateDir, Path nodeDir, Path recipesDir) {

  public static NodeLayout of(String nodeName, Path stateDir) {
    Path state = stateDir.toAbsolutePath().normalize();
    return new NodeLayout(nodeName, state, state.resolve("node"), state.resolve("recipes"));
  }

  /** {@code recipes/<type>/<version>}; the names are checked by {@link RecipeStore}. */
  public Path recipeDir(String type, String version) {
    return recipesDir.resolve(type).resolve(version);
  }

  /** The rain-agent jar this class was loaded from, or "" when run from classes (tests, an IDE). */
  public static String agentJar() {
    try {
      var source = RainAgent.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return "";
      }
      Path location = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(location) && location.toString().endsWith(".jar") ? location.toString() : "";
    } catch (URISyntaxException | SecurityException | IllegalArgumentException unknown) {
      return "";
    }
  }

  /** Removes {@code dir} and everything in it; an absent one is already removed. Blocking. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
        if (failure instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw failure;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path visited, IOException failure) throws IOException {
        if (failure != null && !(failure instanceof NoSuchFileException)) {
          throw failure;
        }
        Files.deleteIfExists(visited);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
