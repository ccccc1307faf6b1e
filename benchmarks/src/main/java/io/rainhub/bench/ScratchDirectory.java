package io.rainhub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** The benchmarks' throwaway files (wrk's Lua script, agents' state and logs) live in a temp directory. */
final class ScratchDirectory {

  private ScratchDirectory() {
  }

  static Path create(String prefix) throws IOException {
    return Files.createTempDirectory(prefix);
  }

  static void delete(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp dir left behind is harmless
    }
  }
}
