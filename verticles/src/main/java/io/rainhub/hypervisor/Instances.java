package io.rainhub.hypervisor;

import io.rainhub.bus.Caller;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An instance's life: placement of a primary and its replicas, clustering to another mothership,
 * refresh, update, restart, stop, what finished commands mean for it, and what is left of the
 * instances of a mothership that goes away (an instance with no placement left is UNPLACED). Where
 * instances move to is {@link Moves}.
 */
final class Instances {

  private final CloudState state;
  private final Outbox outbox;
  private final Placer placer;
  private final NodeCommands commands;
  private final Wiring wiring;
  private final TimeSource time;
  private final boolean rescheduleLost;
  /** Pending stop commands of each STOPPING instance: it is removed when the last one finishes. */
  private final Map<String, Set<String>> stopsInFlight = new HashMap<>();
  /** Of a STOPPING instance, the nodes whose stop failed and why: it ends FAILED there, not stopped. */
  private final Map<String, Map<String, JsonObject>> failedStops = new HashMap<>();
  private final Moves moves;

  /** The names instances show for the step their agent is running. */
  private static final Map<String, String> PROGRESS = Map.of("install", "installing", "configure", "configuring",
      "start", "starting", "stop", "stopping", "undeploy", "undeploying", "refresh", "refreshing",
      "update", "updating", "validate", "validating");

  Instances(CloudState state, Outbox outbox, Placer placer, NodeCommands commands, Wiring wiring, TimeSource time,
      boolean rescheduleLost) {
    this.state = state;
    this.outbox = outbox;
    this.placer = placer;
    this.commands = commands;
    this.wiring = wiring;
    this.time = time;
    this.rescheduleLost = rescheduleLost;
    this.moves = new Moves(state, placer, commands, wiring, rescheduleLost, this);
  }

  /** Where instances go when a mothership comes, drains or goes: see {@link Moves}. */
  Moves moves() {
    return moves;
  }

  /** A new instance of the component: a primary and its replicas on distinct motherships, or a refusal. */
  Decision instantiate(JsonObject body) {
    WebComponent component = Required.component(state, body.getString("id"), body.getString("version"),
        Caller.of(body));
    Placer.Outcome outcome = placer.choose(component, component.replicas(), Set.of());
    if (!outcome.placed()) {
      throw Placer.noRoom(component, outcome, component.replicas());
    }
    List<Instance.Placement> placements = new ArrayList<>();
    for (int i = 0; i < outcome.chosen().size(); i++) {
      placements.add(new Instance.Placement(outcome.chosen().get(i),
          i == 0 ? Instance.Role.PRIMARY : Instance.Role.REPLICA, component.resources()));
    }
    OffsetDateTime now = time.now();
    Instance instance = new Instance(UUID.randomUUID().toString(), component.id(), component.version(),
        InstanceState.PLACED, 0, placements, now, component.tenantId());
    state.putInstance(instance);
    Change change = new Change().sql(CloudSql.INSERT_INSTANCE, "id", instance.id(), "componentId", component.id(),
        "version", component.version(), "state", instance.state().name(), "generation", 0, "createdAt", now,
        "tenantId", instance.tenantId());
    placements.forEach(p -> insertPlacement(instance, p, change));
    change.event("instance.placed", "instance/" + instance.id(), instance.tenantId(), instance.toJson());
    placements.forEach(p -> startOn(instance, p, change));
    wiring.wireServersFor(component, outcome.chosen(), change);
    return Decision.of(change, () -> instance.toJson().put("mothershipId", placements.get(0).mothershipId()));
  }

  /**
   * One more placement of an instance: on the requested mothership, or where placement says. It is
   * a replica, or the primary when the instance has none (UNPLACED): its agent starts it as such.
   */
  Decision cluster(JsonObject body) {
    Instance instance = running(Required.instance(state, body.getString("instanceId"), Caller.of(body)));
    WebComponent component = state.component(instance.componentId(), instance.version());
    Set<String> current = new LinkedHashSet<>();
    instance.placements().forEach(p -> current.add(p.mothershipId()));
    String target = body.getString("mothershipId");
    if (target != null) {
      if (state.mothership(target) == null) {
        throw Refusal.of(404, "No mothership " + target + ".", "mothershipId");
      }
      if (current.contains(target)) {
        throw Refusal.of(409, "Instance " + instance.id() + " already runs on mothership " + target + ".",
            "mothershipId");
      }
    }
    Placer.Outcome outcome = target == null
        ? placer.choose(component, 1, current)
        : placer.chooseOnly(component, target);
    if (!outcome.placed()) {
      throw Placer.noRoom(component, outcome, 1);
    }
    boolean primary = !hasPrimary(instance);
    Instance.Placement replica = new Instance.Placement(outcome.chosen().get(0),
        primary ? Instance.Role.PRIMARY : Instance.Role.REPLICA, component.resources());
    List<Instance.Placement> placements = new ArrayList<>(instance.placements());
    placements.add(primary ? 0 : placements.size(), replica);
    Instance clustered = instance.withPlacements(placements).withState(
        instance.state() == InstanceState.UNPLACED ? InstanceState.PLACED : instance.state());
    state.putInstance(clustered);
    Change change = new Change();
    insertPlacement(clustered, replica, change);
    if (clustered.state() != instance.state()) {
      change.sql(CloudSql.INSTANCE_STATE, "id", clustered.id(), "state", clustered.state().name());
    }
    change.event("instance.clustered", "instance/" + clustered.id(), clustered.tenantId(), clustered.toJson());
    startOn(clustered, replica, change);
    wiring.wireServersFor(component, List.of(replica.mothershipId()), change);
    return Decision.of(change, () -> clustered.toJson().put("mothershipId", replica.mothershipId()));
  }

  Decision refresh(JsonObject body) {
    Change change = new Change();
    Instance refreshed = refresh(running(Required.instance(state, body.getString("instanceId"), Caller.of(body))),
        change);
    return Decision.of(change, refreshed::toJson);
  }

  /**
   * Moves the instance to another deployed version. Placements whose agents can hear it are told to
   * {@code update}; the instance keeps its {@code version} (showing {@code targetVersion}) until
   * its primary's agent confirms, then {@code instance.updated}. Without any agent to ask, the
   * version changes at once.
   */
  Decision update(JsonObject body) {
    Instance instance = running(Required.instance(state, body.getString("instanceId"), Caller.of(body)));
    String version = body.getString("version");
    if (version.equals(instance.version())) {
      return refresh(body);
    }
    Required.componentVersion(state, instance.componentId(), version);
    if (instance.targetVersion() != null) {
      throw Refusal.of(409, "Instance " + instance.id() + " is already being updated to version "
          + instance.targetVersion() + "; wait for its agent to confirm.", "version");
    }
    if (instance.state() == InstanceState.UNPLACED) {
      throw Refusal.of(409, "Instance " + instance.id() + " is UNPLACED: no node runs it to update.", null);
    }
    Change change = new Change();
    Instance target = instance.withTargetVersion(version);
    boolean asked = false;
    for (Instance.Placement placement : instance.placements()) {
      asked |= commands.command(placement.mothershipId(), "update", instanceArgs(instance).put("version", version)
          .put("fromVersion", instance.version()), change) != null;
    }
    if (!asked) {
      // REST motherships have no agent to confirm: the record is all there is.
      Instance updated = target.updated();
      state.putInstance(updated);
      change.sql(CloudSql.INSTANCE_VERSION, "id", updated.id(), "version", version)
          .event("instance.updated", "instance/" + updated.id(), updated.tenantId(),
              updated.toJson().put("fromVersion", instance.version()));
      return Decision.of(change, updated::toJson);
    }
    state.putInstance(target);
    change.sql(CloudSql.INSTANCE_TARGET_VERSION, "id", target.id(), "targetVersion", version)
        .event("instance.updating", "instance/" + target.id(), target.tenantId(), target.toJson());
    return Decision.of(change, target::toJson);
  }

  /**
   * A FAILED instance starts again: PLACED where it is, each placement's agent told to instantiate
   * it anew (a new command, so the agent runs it again). Only FAILED instances restart.
   */
  Decision restart(JsonObject body) {
    Instance instance = Required.instance(state, body.getString("instanceId"), Caller.of(body));
    if (instance.state() != InstanceState.FAILED) {
      throw Refusal.of(409, "Instance " + instance.id() + " is " + instance.state() + ", not FAILED: only a failed"
          + " instance restarts.", null);
    }
    Change change = new Change();
    JsonObject failure = instance.failure();
    Instance restarted = instance.withState(InstanceState.PLACED);
    state.putInstance(restarted);
    change.sql(CloudSql.INSTANCE_STATE, "id", restarted.id(), "state", restarted.state().name())
        .event("instance.restarted", "instance/" + restarted.id(), restarted.tenantId(),
            restarted.toJson().put("previousFailure", failure));
    restarted.placements().forEach(p -> startOn(restarted, p, change));
    return Decision.of(change, restarted::toJson);
  }

  /**
   * What an agent reports as a step of a command starts: the instance shows it as {@code progress}
   * when the step is its primary's. False when the report is about no instance placed there.
   */
  boolean stepStarted(String nodeId, JsonObject report, Change change) {
    Instance instance = state.instance(report.getString("instanceId", ""));
    String step = report.getString("step");
    if (instance == null || step == null || instance.state() == InstanceState.STOPPING
        || instance.placements().stream().noneMatch(p -> p.role() == Instance.Role.PRIMARY
            && p.mothershipId().equals(nodeId))) {
      return false;
    }
    String progress = PROGRESS.getOrDefault(step, step.length() > 32 ? step.substring(0, 32) : step);
    Instance updated = instance.withProgress(progress);
    state.putInstance(updated);
    change.sql(CloudSql.INSTANCE_PROGRESS, "id", updated.id(), "progress", progress)
        .event("instance.progress", "instance/" + updated.id(), updated.tenantId(),
            new JsonObject().put("instanceId", updated.id())
            .put("nodeId", nodeId).put("action", report.getString("action")).put("step", step)
            .put("progress", progress));
    return true;
  }

  /** Stops the instance; stopping one already STOPPING changes nothing. */
  Decision stop(JsonObject body) {
    Instance instance = Required.instance(state, body.getString("instanceId"), Caller.of(body));
    if (instance.state() == InstanceState.STOPPING) {
      return Decision.answer(instance.toJson());
    }
    Change change = new Change();
    Instance stopped = stop(instance, change);
    return Decision.of(change, stopped::toJson);
  }

  /** A new generation of the instance: every placement's agent is told to refresh. */
  Instance refresh(Instance instance, Change change) {
    Instance refreshed = instance.refreshed();
    state.putInstance(refreshed);
    change.sql(CloudSql.INSTANCE_GENERATION, "id", refreshed.id(), "generation", refreshed.generation())
        .event("instance.refreshed", "instance/" + refreshed.id(), refreshed.tenantId(), refreshed.toJson());
    for (Instance.Placement placement : refreshed.placements()) {
      commands.command(placement.mothershipId(), "refresh",
          instanceArgs(refreshed).put("generation", refreshed.generation()), change);
    }
    return refreshed;
  }

  /**
   * Stops the instance. Placements on motherships whose agents can hear it are told to stop, and the
   * instance holds its capacity (STOPPING) until they confirm; without any, it is removed at once.
   */
  Instance stop(Instance instance, Change change) {
    Set<String> stops = new LinkedHashSet<>();
    for (Instance.Placement placement : instance.placements()) {
      AgentCommand sent = commands.command(placement.mothershipId(), "stop", instanceArgs(instance), change);
      if (sent != null) {
        stops.add(sent.id());
      }
    }
    if (stops.isEmpty()) {
      remove(instance, change);
      return instance.withState(InstanceState.STOPPED);
    }
    Instance stopping = instance.withState(InstanceState.STOPPING);
    state.putInstance(stopping);
    stopsInFlight.put(instance.id(), stops);
    failedStops.remove(instance.id());
    change.sql(CloudSql.INSTANCE_STATE, "id", instance.id(), "state", stopping.state().name())
        .event("instance.stopping", "instance/" + instance.id(), instance.tenantId(), stopping.toJson());
    return stopping;
  }

  /**
   * The mothership went away (expired or lost): its placements go; a lost primary is replaced by its
   * first replica; with {@code reschedule}, each lost placement is placed again elsewhere if there is
   * room, else an instance left with no placement is UNPLACED.
   */
  void releaseFrom(Mothership mothership, boolean reschedule, Change change) {
    for (String instanceId : List.copyOf(state.instanceIdsOn(mothership.id()))) {
      Instance instance = state.instance(instanceId);
      List<Instance.Placement> remaining = new ArrayList<>(instance.placements().stream()
          .filter(p -> !p.mothershipId().equals(mothership.id())).toList());
      change.sql(CloudSql.DELETE_PLACEMENT, "instanceId", instanceId, "mothershipId", mothership.id());
      if (instance.state() == InstanceState.STOPPING) {
        // A lost node stops nothing: stop waiting for it.
        Instance stopping = instance.withPlacements(remaining);
        state.putInstance(stopping);
        Set<String> stops = stopsInFlight.getOrDefault(instanceId, new LinkedHashSet<>());
        stops.removeIf(id -> outbox.pending(id) == null || outbox.pending(id).nodeId().equals(mothership.id()));
        if (remaining.isEmpty() || stops.isEmpty()) {
          remove(stopping, change);
        }
        continue;
      }
      Instance updated = instance.withPlacements(remaining);
      if (!remaining.isEmpty() && !hasPrimary(updated)) {
        // The primary went away: its first replica takes over.
        updated = moves.promote(updated, change);
      }
      if (reschedule) {
        updated = moves.reschedule(updated, mothership.id(), change);
      }
      if (updated.placements().isEmpty()) {
        updated = updated.withState(InstanceState.UNPLACED);
      }
      state.putInstance(updated);
      if (updated.state() != instance.state()) {
        change.sql(CloudSql.INSTANCE_STATE, "id", instanceId, "state", updated.state().name());
        if (updated.state() == InstanceState.UNPLACED) {
          change.event("instance.unplaced", "instance/" + instanceId, updated.tenantId(), updated.toJson());
        }
      }
    }
  }

  /**
   * What a finished (or expired) command means for the instance it was about. The last stop
   * finished removes a STOPPING instance if every stop succeeded (an expired one counts as done:
   * its node never answered); a failed stop leaves it FAILED on that node, with the reason. The
   * primary's instantiate makes it RUNNING or FAILED (with the reason); the primary's update, once
   * it succeeded, records the new version. {@code result} is the agent's result body, null when
   * the command expired.
   */
  void commandFinished(AgentCommand command, boolean succeeded, JsonObject result, Change change) {
    Instance instance = state.instance(command.args().getString("instanceId", ""));
    if (instance == null) {
      return;
    }
    boolean onPrimary = instance.placements().stream().anyMatch(p -> p.role() == Instance.Role.PRIMARY
        && p.mothershipId().equals(command.nodeId()));
    if (command.action().equals("stop")) {
      stopFinished(instance, command, result == null || succeeded, result, change);
    } else if (command.action().equals("instantiate") && "primary".equals(command.args().getString("role"))
        && onPrimary && (instance.state() == InstanceState.PLACED || instance.state() == InstanceState.FAILED)) {
      if (succeeded && instance.state() != InstanceState.RUNNING) {
        Instance updated = instance.withState(InstanceState.RUNNING);
        state.putInstance(updated);
        change.sql(CloudSql.INSTANCE_STATE, "id", instance.id(), "state", updated.state().name())
            .event("instance.running", "instance/" + instance.id(), instance.tenantId(), updated.toJson());
      } else if (!succeeded && instance.state() != InstanceState.FAILED) {
        fail(instance, reason(command, result, instance), change);
      }
    } else if (command.action().equals("update") && onPrimary
        && command.args().getString("version", "").equals(instance.targetVersion())) {
      if (succeeded) {
        Instance updated = instance.updated();
        state.putInstance(updated);
        change.sql(CloudSql.INSTANCE_VERSION, "id", updated.id(), "version", updated.version())
            .event("instance.updated", "instance/" + updated.id(), updated.tenantId(),
                updated.toJson().put("fromVersion", instance.version()));
      } else {
        Instance kept = instance.withTargetVersion(null);
        change.sql(CloudSql.INSTANCE_TARGET_VERSION, "id", kept.id(), "targetVersion", null);
        fail(kept, reason(command, result, instance), change);
      }
    } else if ((command.action().equals("refresh") || command.action().equals("update")) && onPrimary
        && instance.progress() != null) {
      Instance idle = instance.withProgress(null);
      state.putInstance(idle);
      change.sql(CloudSql.INSTANCE_PROGRESS, "id", idle.id(), "progress", null);
    }
  }

  private void stopFinished(Instance instance, AgentCommand command, boolean stopped, JsonObject result,
      Change change) {
    Set<String> stops = stopsInFlight.get(instance.id());
    if (stops == null || !stops.remove(command.id())) {
      return;
    }
    if (!stopped) {
      failedStops.computeIfAbsent(instance.id(), k -> new HashMap<>())
          .put(command.nodeId(), reason(command, result, instance));
    }
    if (!stops.isEmpty()) {
      return;
    }
    Map<String, JsonObject> failures = failedStops.remove(instance.id());
    stopsInFlight.remove(instance.id());
    if (failures == null) {
      remove(instance, change);
      return;
    }
    // Where the stop failed the instance may still run: it stays there, FAILED, and can be stopped again.
    List<Instance.Placement> kept = new ArrayList<>();
    for (Instance.Placement placement : instance.placements()) {
      if (failures.containsKey(placement.mothershipId())) {
        kept.add(placement);
      } else {
        change.sql(CloudSql.DELETE_PLACEMENT, "instanceId", instance.id(), "mothershipId", placement.mothershipId());
      }
    }
    fail(instance.withPlacements(kept), failures.values().iterator().next(), change);
    instance.placements().forEach(p -> wiring.unwireUnneeded(p.mothershipId(), change));
  }

  /** The instance is FAILED and keeps why. */
  private void fail(Instance instance, JsonObject reason, Change change) {
    Instance failed = instance.failed(reason);
    state.putInstance(failed);
    change.sql(CloudSql.INSTANCE_FAILURE, "id", failed.id(), "state", failed.state().name(),
            "failure", reason.encode())
        .event("instance.failed", "instance/" + failed.id(), failed.tenantId(), failed.toJson());
  }

  /**
   * Why a command failed, from the agent's result: the step that failed (the agent says it, else the
   * step it last reported), its script, exit code and last lines of output.
   */
  private JsonObject reason(AgentCommand command, JsonObject result, Instance instance) {
    JsonObject body = result == null ? new JsonObject() : result;
    JsonObject data = body.getValue("data") instanceof JsonObject object ? object : new JsonObject();
    String step = data.getString("failedStep");
    if (step == null && instance.progress() != null) {
      step = PROGRESS.entrySet().stream().filter(e -> e.getValue().equals(instance.progress()))
          .map(Map.Entry::getKey).findFirst().orElse(null);
    }
    Object lines = body.getValue("output");
    return new JsonObject().put("action", command.action()).put("commandId", command.id())
        .put("nodeId", command.nodeId()).put("step", step).put("script", step == null ? null : step + ".sh")
        .put("exitCode", body.getInteger("exitCode"))
        .put("lastLines", lines instanceof io.vertx.core.json.JsonArray array ? array
            : new io.vertx.core.json.JsonArray().add(result == null ? "the command expired before its node ran it"
                : "no output"))
        .put("at", time.now().toString());
  }

  boolean reschedulesLost() {
    return rescheduleLost;
  }

  /**
   * After a (re)load: STOPPING instances wait for their pending stop commands again, and those with
   * none left are removed.
   */
  void resumeStops(Change change) {
    stopsInFlight.clear();
    for (Instance instance : List.copyOf(state.instances())) {
      if (instance.state() != InstanceState.STOPPING) {
        continue;
      }
      Set<String> stops = new LinkedHashSet<>();
      instance.placements().forEach(p -> outbox.pendingFor(p.mothershipId()).stream()
          .filter(c -> c.action().equals("stop") && instance.id().equals(c.args().getString("instanceId")))
          .forEach(c -> stops.add(c.id())));
      if (stops.isEmpty()) {
        remove(instance, change);
      } else {
        stopsInFlight.put(instance.id(), stops);
      }
    }
  }

  static JsonObject instanceArgs(Instance instance) {
    return new JsonObject().put("instanceId", instance.id()).put("componentId", instance.componentId())
        .put("version", instance.version());
  }

  /** Instances being stopped take no more changes. */
  private static Instance running(Instance instance) {
    if (instance.state() == InstanceState.STOPPING) {
      throw Refusal.of(409, "Instance " + instance.id() + " is stopping.", null);
    }
    return instance;
  }

  /** An instance with no primary that gains a placement gets a primary there. */
  static boolean hasPrimary(Instance instance) {
    return instance.placements().stream().anyMatch(p -> p.role() == Instance.Role.PRIMARY);
  }

  /** Tells the agent of the placement's mothership (if it has one) to start the instance; null if none. */
  AgentCommand startOn(Instance instance, Instance.Placement placement, Change change) {
    return commands.command(placement.mothershipId(), "instantiate", new JsonObject().put("instanceId", instance.id())
        .put("componentId", instance.componentId()).put("version", instance.version())
        .put("role", placement.role().name().toLowerCase()).put("generation", instance.generation())
        .put("resources", placement.reserved().toJson()), change);
  }

  /** Removes the instance, releases what it reserved and drops wiring nothing needs any more. */
  private void remove(Instance instance, Change change) {
    stopsInFlight.remove(instance.id());
    failedStops.remove(instance.id());
    state.removeInstance(instance.id());
    change.sql(CloudSql.DELETE_PLACEMENTS_OF_INSTANCE, "instanceId", instance.id())
        .sql(CloudSql.DELETE_INSTANCE, "id", instance.id())
        .event("instance.stopped", "instance/" + instance.id(), instance.tenantId(),
            instance.withState(InstanceState.STOPPED).toJson());
    instance.placements().forEach(p -> wiring.unwireUnneeded(p.mothershipId(), change));
  }

  static void insertPlacement(Instance instance, Instance.Placement placement, Change change) {
    Capacity reserved = placement.reserved();
    change.sql(CloudSql.INSERT_PLACEMENT, "instanceId", instance.id(), "mothershipId", placement.mothershipId(),
        "role", placement.role().name(), "cpu", reserved.cpu(), "ramMb", reserved.ramMb(),
        "bandwidthMbps", reserved.bandwidthMbps());
  }

}
