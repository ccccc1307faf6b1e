package io.rainhub.hypervisor;

import io.rainhub.bus.Caller;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Deployed web component versions: deploy, read, refresh every instance, undeploy (stopping them all). */
final class Components {

  private final CloudState state;
  private final Instances instances;
  private final TimeSource time;

  Components(CloudState state, Instances instances, TimeSource time) {
    this.state = state;
    this.instances = instances;
    this.time = time;
  }

  /**
   * Deploys a descriptor validated at the edge for the caller's tenant; a version already deployed
   * is a 409. Ids are global: one taken by another tenant is a 409 too, saying only that it is taken.
   */
  Decision deploy(JsonObject body) {
    Caller caller = Caller.of(body);
    JsonObject descriptor = body.copy();
    descriptor.remove(Caller.FIELD);
    String id = descriptor.getString("id");
    String version = descriptor.getString("version");
    // An id belongs to one tenant, all its versions with it: another tenant's version of it would
    // let two owners share one name in every list, route and event. Admins too deploy for their own
    // tenant only, so they get the same answer.
    boolean takenByOther = state.components().stream()
        .anyMatch(c -> c.id().equals(id) && !Objects.equals(c.tenantId(), caller.tenantId()));
    if (takenByOther) {
      throw Refusal.of(409, "Web component id " + id + " is taken by another tenant;"
          + " component ids are shared by all tenants, choose another id.", "id");
    }
    if (state.component(id, version) != null) {
      throw Refusal.of(409, "Web component " + id + " version " + version + " is already deployed.", "version");
    }
    OffsetDateTime now = time.now();
    WebComponent component = WebComponent.fromDescriptor(descriptor, now, caller.tenantId());
    state.putComponent(component);
    Change change = new Change()
        .sql(CloudSql.INSERT_COMPONENT, "id", id, "version", version, "descriptor", descriptor.encode(),
            "createdAt", now, "tenantId", component.tenantId())
        .event("webcomponent.deployed", subject(component), component.tenantId(), component.summaryJson());
    return Decision.of(change, component::summaryJson);
  }

  /** The page of components the caller may see: their tenant's, or all for an admin. */
  JsonObject list(JsonObject body) {
    int start = body.getInteger("start", 0);
    int range = body.getInteger("range", 50);
    Caller caller = Caller.of(body);
    List<WebComponent> visible = state.components().stream().filter(c -> caller.mayAct(c.tenantId())).toList();
    List<JsonObject> page = visible.stream().skip(start).limit(range)
        .map(c -> c.summaryJson().put("instanceCount", state.instancesOf(c).size())).toList();
    return new JsonObject().put("total", visible.size()).put("start", start)
        .put("range", range).put("items", new JsonArray(page));
  }

  JsonObject details(JsonObject body) {
    WebComponent component = named(body);
    List<Instance> all = state.instancesOf(component);
    Set<String> motherships = new LinkedHashSet<>();
    all.forEach(i -> i.placements().forEach(p -> motherships.add(p.mothershipId())));
    return component.summaryJson()
        .put("descriptor", component.descriptor())
        .put("motherships", new JsonArray(new ArrayList<>(motherships)))
        .put("instances", new JsonArray(all.stream().map(Instance::toJson).toList()));
  }

  JsonObject descriptor(JsonObject body) {
    return named(body).descriptor();
  }

  JsonObject statistics(JsonObject body) {
    WebComponent component = named(body);
    JsonObject byState = new JsonObject();
    for (InstanceState s : InstanceState.values()) {
      byState.put(s.name(), 0);
    }
    Capacity reserved = Capacity.ZERO;
    int placements = 0;
    for (Instance instance : state.instancesOf(component)) {
      byState.put(instance.state().name(), byState.getInteger(instance.state().name()) + 1);
      for (Instance.Placement placement : instance.placements()) {
        reserved = reserved.plus(placement.reserved());
        placements++;
      }
    }
    return new JsonObject().put("id", component.id()).put("version", component.version())
        .put("instances", state.instancesOf(component).size()).put("placements", placements)
        .put("instancesByState", byState).put("reserved", reserved.toJson()).put("reportedUsage", null);
  }

  /** Refreshes every instance of the component that is not stopping. */
  Decision refresh(JsonObject body) {
    WebComponent component = named(body);
    Change change = new Change();
    List<Instance> refreshed = new ArrayList<>();
    for (Instance instance : state.instancesOf(component)) {
      if (instance.state() != InstanceState.STOPPING) {
        refreshed.add(instances.refresh(instance, change));
      }
    }
    change.event("webcomponent.refreshed", subject(component), component.tenantId(), new JsonObject().put("instances", refreshed.size()));
    return Decision.of(change, () -> new JsonObject().put("id", component.id()).put("version", component.version())
        .put("refreshed", new JsonArray(refreshed.stream().map(Instance::toJson).toList())));
  }

  /** Stops every instance of the component and forgets it. */
  Decision undeploy(JsonObject body) {
    WebComponent component = named(body);
    Change change = new Change();
    List<Instance> all = state.instancesOf(component);
    for (Instance instance : all) {
      if (instance.state() != InstanceState.STOPPING) {
        instances.stop(instance, change);
      }
    }
    state.removeComponent(component);
    JsonObject undeployed = new JsonObject().put("id", component.id()).put("version", component.version())
        .put("stoppedInstances", all.size());
    change.sql(CloudSql.DELETE_COMPONENT, "id", component.id(), "version", component.version())
        .event("webcomponent.undeployed", subject(component), component.tenantId(), undeployed);
    return Decision.of(change, undeployed::copy);
  }

  private WebComponent named(JsonObject body) {
    return Required.component(state, body.getString("id"), body.getString("version"), Caller.of(body));
  }

  private static String subject(WebComponent component) {
    return "webcomponent/" + component.key();
  }
}
