package io.rainhub.hypervisor;

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

  /** A version to move an instance to: 404 naming the field {@code version} if it is not deployed. */
  static WebComponent componentVersion(CloudState state, String id, String version) {
    WebComponent component = state.component(id, version);
    if (component == null) {
      throw Refusal.of(404, "No web component " + id + " version " + version + " is deployed.", "version");
    }
    return component;
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
