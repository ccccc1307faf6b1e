package io.rainhub.hypervisor;

import io.rainhub.bus.Caller;

/** Finds what a request names, or refuses it with 404: the first step of most decisions. */
final class Required {

  private Required() {
  }

  static RainServer server(CloudState state, String id) {
    RainServer server = state.server(id);
    if (server == null) {
      throw Refusal.of(404, "No rain server " + id + ".", null);
    }
    return server;
  }

  static Mothership mothership(CloudState state, String id) {
    Mothership mothership = state.mothership(id);
    if (mothership == null) {
      throw Refusal.of(404, "No mothership " + id + ".", null);
    }
    return mothership;
  }

  static WebComponent component(CloudState state, String id, String version) {
    WebComponent component = state.component(id, version);
    if (component == null) {
      throw Refusal.of(404, "No web component " + id + " version " + version + " is deployed.", null);
    }
    return component;
  }

  /**
   * The component, if {@code caller} may act on it: another tenant's is answered exactly as a
   * missing one, so a user cannot learn what other tenants run.
   */
  static WebComponent component(CloudState state, String id, String version, Caller caller) {
    WebComponent component = component(state, id, version);
    if (!caller.mayAct(component.tenantId())) {
      throw Refusal.of(404, "No web component " + id + " version " + version + " is deployed.", null);
    }
    return component;
  }

  /** A version to move an instance to: 404 naming the field {@code version} if it is not deployed. */
  static WebComponent componentVersion(CloudState state, String id, String version) {
    WebComponent component = state.component(id, version);
    if (component == null) {
      throw Refusal.of(404, "No web component " + id + " version " + version + " is deployed.", "version");
    }
    return component;
  }

  /** The instance, if {@code caller} may act on it; another tenant's is a 404 as a missing one. */
  static Instance instance(CloudState state, String id, Caller caller) {
    Instance instance = instance(state, id);
    if (!caller.mayAct(instance.tenantId())) {
      throw Refusal.of(404, "No instance " + id + ".", null);
    }
    return instance;
  }

  static Instance instance(CloudState state, String id) {
    Instance instance = state.instance(id);
    if (instance == null) {
      throw Refusal.of(404, "No instance " + id + ".", null);
    }
    return instance;
  }

  static AgentNode agentNode(CloudState state, String nodeId) {
    AgentNode node = state.agentNode(nodeId);
    if (node == null) {
      throw Refusal.of(404, "No agent-managed node " + nodeId + ".", "nodeId");
    }
    return node;
  }
}
