package io.rainhub.agents;

import io.rainhub.api.ApiArea;
import io.rainhub.api.Callers;
import io.rainhub.store.Store;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The people's side of agents: the agent-managed nodes, and commands sent to a node. These routes
 * sit under /v1.0, so they are mounted after the people's token check.
 */
public final class AgentApiRoutes implements ApiArea {

  private final AgentApiHandlers agents;

  public AgentApiRoutes(Vertx vertx, Store store) {
    this.agents = new AgentApiHandlers(vertx, store);
  }

  @Override
  public void mount(Router router) {
    router.get("/v1.0/agents").handler(agents::listAgents);
    router.post("/v1.0/nodes/:nodeId/commands").handler(JSON_BODY).handler(Callers::adminOnly).handler(agents::sendCommand);
    // Commands carry the instances and arguments of every tenant: admins only, even to read.
    router.get("/v1.0/nodes/:nodeId/commands").handler(Callers::adminOnly).handler(agents::nodeCommands);
    router.get("/v1.0/commands/:commandId").handler(Callers::adminOnly).handler(agents::command);
    router.put("/v1.0/nodes/:nodeId/enrol").consumes(JSON).handler(Callers::adminOnly).handler(agents::enrol);
  }
}
