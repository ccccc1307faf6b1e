package io.rainhub.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The other programs the benchmarks run (wrk, jcmd, jstat, ss, git): found on PATH, run with a time limit. */
final class Programs {

  private Programs() {
  }

  /** A program that ran to its end: its exit value and what it wrote (stdout and stderr together). */
  record Finished(int exitValue, String output) {}

  /**
   * Runs {@code command} to its end; null when it outlives {@code timeoutS}, and then it and its
   * children (wrk under bash) are killed.
   */
  static Finished finish(List<String> command, long timeoutS) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    // read while it runs: a program that fills the pipe would otherwise never end
    Thread reader = new Thread(() -> {
      try {
        out.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // the process went away
      }
    }, "program-output");
    reader.start();
    if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      return null;
    }
    reader.join(10_000);
    return new Finished(process.exitValue(), out.toString());
  }

  /** Output of a short command, null when it fails or takes longer than {@code timeoutS}. */
  static String output(List<String> command, long timeoutS) {
    try {
      Finished finished = finish(command, timeoutS);
      return finished != null && finished.exitValue() == 0 ? finished.output() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The program's path on PATH, null when it is not there. */
  static String which(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      File candidate = new File(dir, program);
      if (candidate.isFile() && candidate.canExecute()) {
        return candidate.getAbsolutePath();
      }
    }
    return null;
  }

  /** The last 20 lines of a program's log, for a failure message. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
