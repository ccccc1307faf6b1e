package io.rainhub.api;

import io.vertx.ext.web.Router;

/** The RAIN cloud API at the paths of the RAIN design, plus the hypervisor's /v1.0 routes. */
final class CloudRoutes implements ApiArea {

  private final CloudApiHandlers cloud;

  CloudRoutes() {
    this.cloud = new CloudApiHandlers();
  }

  /**
   * "/all" comes before "/:id" so it is not read as an id; instance reads, the busiest, come first.
   * Changes to nodes are for admins ({@link Callers#adminOnly}); web components and instances are
   * open to users, and the hypervisor keeps each tenant to its own.
   */
  @Override
  public void mount(Router router) {
    router.get("/webcomponent/all").handler(cloud::listComponents);
    router.get("/webcomponent/:instanceId").handler(cloud::instance);
    router.post("/webcomponent/").handler(JSON_BODY).handler(cloud::deploy);
    router.post("/webcomponent/:instanceId").handler(cloud::cluster);
    router.put("/webcomponent/:instanceId").handler(cloud::refreshInstance);
    router.delete("/webcomponent/:instanceId").handler(cloud::stopInstance);
    router.get("/webcomponent/:id/:version").handler(cloud::component);
    router.post("/webcomponent/:id/:version").handler(cloud::instantiate);
    router.put("/webcomponent/:id/:version").handler(cloud::refreshComponent);
    router.delete("/webcomponent/:id/:version").handler(cloud::undeploy);
    router.get("/webcomponent/:id/:version/descriptor").handler(cloud::descriptor);
    router.get("/webcomponent/:id/:version/statistics").handler(cloud::statistics);
    router.get("/rainservers/all").handler(cloud::listServers);
    router.get("/rainservers/:id/urls").handler(cloud::serverUrls);
    router.post("/rainservers/").handler(JSON_BODY).handler(Callers::adminOnly).handler(cloud::registerServer);
    router.put("/rainservers/:id").handler(Callers::adminOnly).handler(cloud::resetServer);
    router.delete("/rainservers/:id").handler(Callers::adminOnly).handler(cloud::unregisterServer);
    router.get("/mothership/all").handler(cloud::listMotherships);
    router.get("/mothership/:id").handler(cloud::mothership);
    router.get("/mothership/:id/webcomponents").handler(cloud::mothershipComponents);
    router.post("/mothership/").handler(JSON_BODY).handler(Callers::adminOnly).handler(cloud::registerMothership);
    router.delete("/mothership/:id").handler(Callers::adminOnly).handler(cloud::deleteMothership);
    router.put("/v1.0/rainservers/:id/heartbeat").handler(Callers::adminOnly).handler(cloud::serverHeartbeat);
    router.put("/v1.0/motherships/:id/heartbeat").handler(Callers::adminOnly).handler(cloud::mothershipHeartbeat);
    router.put("/v1.0/motherships/:id/drain").handler(JSON_BODY).handler(Callers::adminOnly).handler(cloud::drainMothership);
    router.post("/v1.0/instances/:instanceId/restart").handler(cloud::restartInstance);
    router.get("/v1.0/route").handler(cloud::route);
    router.get("/v1.0/map").handler(cloud::map);
  }
}
