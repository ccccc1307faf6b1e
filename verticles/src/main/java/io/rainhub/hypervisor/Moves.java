package io.rainhub.hypervisor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where instances go when motherships change: a draining one's instances move elsewhere, a lost
 * primary's replica is promoted and told so, a lost placement is rescheduled, and a mothership that
 * becomes available takes what lacks a place (UNPLACED instances, missing replicas) or an instance
 * its agent still runs. {@link Instances} decides the rest of an instance's life.
 */
final class Moves {

  /** What draining a mothership did: instances moved elsewhere, and those that fit nowhere else and stay. */
  record Drained(int moved, int stayed) {
  }

  private final CloudState state;
  private final Placer placer;
  private final NodeCommands commands;
  private final Wiring wiring;
  private final boolean rescheduleLost;
  private final Instances instances;

  Moves(CloudState state, Placer placer, NodeCommands commands, Wiring wiring, boolean rescheduleLost,
      Instances instances) {
    this.state = state;
    this.placer = placer;
    this.commands = commands;
    this.wiring = wiring;
    this.rescheduleLost = rescheduleLost;
    this.instances = instances;
  }

  /**
   * Moves the instances of a draining mothership elsewhere: each placement there is replaced by one
   * on another mothership with room (a primary by its first replica, if it has one, promoted in its
   * place), the new one is told to start and the drained one to stop. One that fits nowhere stays.
   */
  Drained drainFrom(Mothership mothership, Change change) {
    int moved = 0;
    int stayed = 0;
    for (String instanceId : List.copyOf(state.instanceIdsOn(mothership.id()))) {
      Instance instance = state.instance(instanceId);
      if (instance.state() == InstanceState.STOPPING) {
        continue;
      }
      WebComponent component = state.component(instance.componentId(), instance.version());
      Set<String> excluded = new LinkedHashSet<>();
      instance.placements().forEach(p -> excluded.add(p.mothershipId()));
      Placer.Outcome outcome = component == null ? null : placer.choose(component, 1, excluded);
      if (outcome == null || !outcome.placed()) {
        stayed++;
        continue;
      }
      Instance.Placement old = instance.placements().stream()
          .filter(p -> p.mothershipId().equals(mothership.id())).findFirst().orElseThrow();
      List<Instance.Placement> placements = new ArrayList<>(instance.placements());
      placements.remove(old);
      Instance.Role role = old.role();
      Instance remaining = instance.withPlacements(placements);
      if (role == Instance.Role.PRIMARY && !placements.isEmpty()) {
        remaining = promote(remaining, change);
        role = Instance.Role.REPLICA;
      }
      placements = new ArrayList<>(remaining.placements());
      Instance.Placement replacement = new Instance.Placement(outcome.chosen().get(0), role, component.resources());
      placements.add(role == Instance.Role.PRIMARY ? 0 : placements.size(), replacement);
      // A new primary starts from scratch: PLACED until its agent reports it running.
      Instance movedInstance = remaining.withPlacements(placements)
          .withState(role == Instance.Role.PRIMARY ? InstanceState.PLACED : remaining.state());
      state.putInstance(movedInstance);
      change.sql(CloudSql.DELETE_PLACEMENT, "instanceId", instanceId, "mothershipId", mothership.id());
      Instances.insertPlacement(movedInstance, replacement, change);
      if (movedInstance.state() != instance.state()) {
        change.sql(CloudSql.INSTANCE_STATE, "id", instanceId, "state", movedInstance.state().name());
      }
      change.event("instance.rescheduled", "instance/" + instanceId, movedInstance.tenantId(), movedInstance.toJson()
          .put("from", mothership.id()).put("to", replacement.mothershipId()).put("reason", "drain"));
      instances.startOn(movedInstance, replacement, change);
      commands.command(mothership.id(), "stop", Instances.instanceArgs(instance).put("reason", "drained"), change);
      wiring.wireServersFor(component, List.of(replacement.mothershipId()), change);
      moved++;
    }
    wiring.unwireUnneeded(mothership.id(), change);
    return new Drained(moved, stayed);
  }

  /**
   * A mothership became available (registered, returned, undrained): with the reschedule policy,
   * what lacks a place is placed as room allows: UNPLACED instances, then replicas of instances
   * short of their component's count.
   */
  void placeWhatIsMissing(Change change) {
    if (!rescheduleLost) {
      return;
    }
    placeUnplaced(change);
    topUpReplicas(change);
  }

  private void placeUnplaced(Change change) {
    for (String instanceId : List.copyOf(state.unplacedInstanceIds())) {
      Instance instance = state.instance(instanceId);
      if (instance.state() == InstanceState.UNPLACED) {
        Instance placed = reschedule(instance, null, change);
        if (!placed.placements().isEmpty()) {
          change.sql(CloudSql.INSTANCE_STATE, "id", placed.id(), "state", placed.state().name());
        }
      }
    }
  }

  /**
   * Each instance placed on fewer motherships than its component's {@code replicas} gets placements
   * where they fit ({@code instance.clustered} with reason {@code replicas}), its agent told to start
   * them: a replica, or the primary if it has none.
   */
  private void topUpReplicas(Change change) {
    for (String instanceId : List.copyOf(state.instanceIdsShortOfReplicas())) {
      Instance instance = state.instance(instanceId);
      WebComponent component = state.component(instance.componentId(), instance.version());
      while (component != null && instance.placements().size() < component.replicas()) {
        Set<String> excluded = new LinkedHashSet<>();
        instance.placements().forEach(p -> excluded.add(p.mothershipId()));
        Placer.Outcome outcome = placer.choose(component, 1, excluded);
        if (!outcome.placed()) {
          break;
        }
        boolean primary = !Instances.hasPrimary(instance);
        Instance.Placement added = new Instance.Placement(outcome.chosen().get(0),
            primary ? Instance.Role.PRIMARY : Instance.Role.REPLICA, component.resources());
        List<Instance.Placement> placements = new ArrayList<>(instance.placements());
        placements.add(primary ? 0 : placements.size(), added);
        instance = instance.withPlacements(placements);
        state.putInstance(instance);
        Instances.insertPlacement(instance, added, change);
        change.event("instance.clustered", "instance/" + instance.id(), instance.tenantId(), instance.toJson()
            .put("mothershipId", added.mothershipId()).put("reason", "replicas"));
        instances.startOn(instance, added, change);
        wiring.wireServersFor(component, List.of(added.mothershipId()), change);
      }
    }
  }

  /**
   * An UNPLACED instance its old node reports still running (it came back before the instance found
   * another home) is placed there again as it is: RUNNING, no command needed. False if it no longer fits.
   */
  boolean recover(Instance instance, String mothershipId, Change change) {
    WebComponent component = state.component(instance.componentId(), instance.version());
    if (component == null || !placer.chooseOnly(component, mothershipId).placed()) {
      return false;
    }
    Instance.Placement placement = new Instance.Placement(mothershipId, Instance.Role.PRIMARY, component.resources());
    Instance adopted = instance.withPlacements(List.of(placement)).withState(InstanceState.RUNNING);
    state.putInstance(adopted);
    Instances.insertPlacement(adopted, placement, change);
    change.sql(CloudSql.INSTANCE_STATE, "id", adopted.id(), "state", adopted.state().name())
        .event("instance.recovered", "instance/" + adopted.id(), adopted.tenantId(),
            adopted.toJson().put("on", mothershipId));
    wiring.wireServersFor(component, List.of(mothershipId), change);
    return true;
  }

  /** Places one replacement for a placement lost on {@code lostOn}; the instance unchanged if none fits. */
  Instance reschedule(Instance instance, String lostOn, Change change) {
    WebComponent component = state.component(instance.componentId(), instance.version());
    if (component == null) {
      return instance;
    }
    Set<String> excluded = new LinkedHashSet<>();
    if (lostOn != null) {
      excluded.add(lostOn);
    }
    instance.placements().forEach(p -> excluded.add(p.mothershipId()));
    Placer.Outcome outcome = placer.choose(component, 1, excluded);
    if (!outcome.placed()) {
      return instance;
    }
    boolean primary = !Instances.hasPrimary(instance);
    Instance.Placement replacement = new Instance.Placement(outcome.chosen().get(0),
        primary ? Instance.Role.PRIMARY : Instance.Role.REPLICA, component.resources());
    List<Instance.Placement> placements = new ArrayList<>(instance.placements());
    placements.add(primary ? 0 : placements.size(), replacement);
    // A new primary starts from scratch: PLACED until its agent reports it running.
    Instance moved = instance.withPlacements(placements).withState(primary ? InstanceState.PLACED : instance.state());
    state.putInstance(moved);
    Instances.insertPlacement(moved, replacement, change);
    change.event("instance.rescheduled", "instance/" + moved.id(), moved.tenantId(), moved.toJson().put("from", lostOn)
        .put("to", replacement.mothershipId()));
    instances.startOn(moved, replacement, change);
    wiring.wireServersFor(component, List.of(replacement.mothershipId()), change);
    return moved;
  }

  /**
   * The instance's first placement, a replica, becomes its primary, and that mothership's agent is
   * told so: {@code instantiate} again, with role primary (the agent runs the instance's steps again
   * as primary). A RUNNING instance is PLACED until that agent confirms; without an agent to tell,
   * nothing would confirm, so its state stays.
   */
  Instance promote(Instance instance, Change change) {
    List<Instance.Placement> placements = new ArrayList<>(instance.placements());
    Instance.Placement replica = placements.get(0);
    Instance.Placement promoted = new Instance.Placement(replica.mothershipId(), Instance.Role.PRIMARY,
        replica.reserved());
    placements.set(0, promoted);
    change.sql(CloudSql.PLACEMENT_ROLE, "instanceId", instance.id(), "mothershipId", promoted.mothershipId(),
        "role", Instance.Role.PRIMARY.name());
    Instance withPrimary = instance.withPlacements(placements);
    boolean told = instances.startOn(withPrimary, promoted, change) != null;
    return told && withPrimary.state() == InstanceState.RUNNING ? withPrimary.withState(InstanceState.PLACED)
        : withPrimary;
  }
}
