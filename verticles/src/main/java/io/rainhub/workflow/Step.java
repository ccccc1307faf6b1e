package io.rainhub.workflow;

import java.util.List;

/**
 * The steps a task can be made of. A step is a name, or {@code script:<stage>} for a recipe script
 * run on the node's agent. Stages of the workflows map to steps here, in one place.
 */
final class Step {

  /** The target creates the node (a local rain-agent process, a claimed enrolled node). */
  static final String SPAWN = "spawn";
  /** Waits for the node's agent to say hello. */
  static final String AWAIT_AGENT = "await-agent";
  /** Ships the component's recipe to the node (command {@code recipe}). */
  static final String SHIP = "ship";
  /** Waits until every required import has a running exporter. */
  static final String AWAIT_IMPORTS = "await-imports";
  /** The node is running: its exports are visible to importers. */
  static final String RUNNING = "running";
  /** The node stopped its service on request. */
  static final String STOPPED = "stopped";
  /** The node stopped because a required import lost its last exporter; it starts again when one returns. */
  static final String WAITING = "waiting";
  /** The node is being removed: no longer an exporter. */
  static final String DELETING = "deleting";
  /** The node's agent leaves (command {@code leave}). */
  static final String LEAVE = "leave";
  /** The target lets the node go (a local process with no node left is gone) and the node is forgotten. */
  static final String RELEASE = "release";

  private static final String SCRIPT = "script:";

  private Step() {
  }

  static String script(String stage) {
    return SCRIPT + stage;
  }

  /** The recipe stage a step runs, or null when it runs none. */
  static String scriptOf(String step) {
    return step.startsWith(SCRIPT) ? step.substring(SCRIPT.length()) : null;
  }

  /** The steps of a stage of a workflow, by the stage's name. */
  static List<String> of(String stage) {
    return switch (stage) {
      case "start" -> List.of();
      case "spawn" -> List.of(SPAWN);
      case "verify-spawn" -> List.of(AWAIT_AGENT);
      case "install" -> List.of(SHIP, script("install"));
      case "pre-config" -> List.of(script("pre-config"));
      case "config" -> List.of(script("configure"), AWAIT_IMPORTS, script("start"));
      case "validate" -> List.of(script("validate"), RUNNING);
      case "stop" -> List.of(DELETING, script("stop"));
      case "undeploy" -> List.of(script("undeploy"));
      case "release" -> List.of(LEAVE, RELEASE);
      case "service-start" -> List.of(AWAIT_IMPORTS, script("start"), script("validate"), RUNNING);
      case "service-stop" -> List.of(script("stop"), STOPPED);
      case "service-restart" -> List.of(script("stop"), STOPPED, AWAIT_IMPORTS, script("start"), RUNNING);
      case "status" -> List.of(script("validate"));
      case "configure" -> List.of(script("configure"));
      case "update" -> List.of(script("update"));
      case "ship" -> List.of(SHIP);
      default -> throw new IllegalArgumentException("no stage " + stage);
    };
  }
}
