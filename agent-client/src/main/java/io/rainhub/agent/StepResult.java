package io.rainhub.agent;

import java.util.List;

/**
 * What running one lifecycle step gave: whether it succeeded, the script's exit code, the last
 * lines it printed, and whether there was a script at all (a missing script has nothing to do).
 */
public record StepResult(boolean succeeded, int exitCode, List<String> lastLines, boolean scriptPresent,
    boolean timedOut) {

  public static StepResult nothingToDo() {
    return new StepResult(true, 0, List.of(), false, false);
  }
}
