package io.rainhub.hypervisor;

/**
 * The hypervisor's decisions over one loaded state, each concern in a class of its own sharing the
 * same maps. Plain code: no event loop, no store. A decision changes the maps and returns what it
 * changed; {@link HypervisorVerticle} stores that, then answers and sends. Built anew at every
 * (re)load, so nothing survives from a state the store does not hold.
 */
final class Hypervisor {

  /** How the hypervisor decides, from the hub's configuration, and the lease epoch it leads at. */
  record Settings(PlacementStrategy strategy, boolean rescheduleLost, long epoch) {
  }

  final CloudState state;
  final Registry registry;
  final Components components;
  final Instances instances;
  final Wiring wiring;
  final Fleet fleet;
  private final Liveness liveness;

  Hypervisor(CloudState state, Outbox outbox, Liveness liveness, StickySessions sessions, Settings settings,
      TimeSource time) {
    this.state = state;
    NodeCommands commands = new NodeCommands(state, outbox, time);
    wiring = new Wiring(state, commands, sessions, time);
    instances = new Instances(state, outbox, new Placer(state, settings.strategy()), commands, wiring, time,
        settings.rescheduleLost());
    components = new Components(state, instances, time);
    registry = new Registry(state, liveness, wiring, instances, commands, outbox, time);
    fleet = new Fleet(state, liveness, outbox, commands, registry, instances, wiring, time,
        settings.rescheduleLost(), settings.epoch());
    this.liveness = liveness;
  }

  /**
   * Starts deciding over the loaded state. Deadlines and heartbeats were never stored, so every REST
   * registration gets a full TTL from now and every agent's node the longest reconnect wait plus a
   * full TTL; STOPPING instances wait for their pending stops again, and those with
   * none pending are removed: that removal is what this returns to store.
   */
  Change takeOver() {
    liveness.clear();
    registry.restartTtls();
    fleet.awaitReconnects();
    Change leftovers = new Change();
    instances.resumeStops(leftovers);
    return leftovers;
  }
}
