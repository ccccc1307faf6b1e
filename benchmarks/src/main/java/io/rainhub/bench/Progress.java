package io.rainhub.bench;

/** The progress lines both benchmarks print while they run, before the summary. */
final class Progress {

  private Progress() {
  }

  static void say(String line) {
    System.out.println("[bench] " + line);
    // flushed at once: a run that hangs or is killed still shows how far it got
    System.out.flush();
  }
}
