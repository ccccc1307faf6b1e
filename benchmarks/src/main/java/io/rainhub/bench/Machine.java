package io.rainhub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Facts about the machine for the summaries: figures mean little without them. */
final class Machine {

  private Machine() {
  }

  static Map<String, String> facts() {
    Map<String, String> facts = new HashMap<>();
    facts.put("cpus", String.valueOf(Runtime.getRuntime().availableProcessors()));
    facts.put("cpu model", procLine("/proc/cpuinfo", "model name").orElse("unknown cpu"));
    facts.put("memory", procLine("/proc/meminfo", "MemTotal")
        .map(kb -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kb.replaceAll("\\D", "")) / 1048576.0))
        .orElse("unknown"));
    facts.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    try {
      String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      facts.put("load", load[0] + " " + load[1] + " " + load[2]);
    } catch (IOException | RuntimeException e) {
      facts.put("load", "unknown");
    }
    return facts;
  }

  /** The checkout's short commit, marked when it has uncommitted changes. */
  static String commit() {
    String head = Programs.output(List.of("git", "rev-parse", "--short", "HEAD"), 10);
    if (head == null || head.isBlank()) {
      return "unknown (not a git checkout)";
    }
    String dirty = Programs.output(List.of("git", "status", "--porcelain", "--untracked-files=no"), 10);
    return head.trim() + (dirty != null && !dirty.isBlank() ? " + uncommitted changes" : "");
  }

  private static Optional<String> procLine(String file, String key) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(key)) {
          return Optional.of(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux: leave it unknown
    }
    return Optional.empty();
  }
}
