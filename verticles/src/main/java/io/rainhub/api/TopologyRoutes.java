package io.rainhub.api;

import io.rainhub.model.TopologyValidator;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;

/**
 * Topologies, their components and nodes, and jobs (docs/workflows.md), under /v1.0 after the
 * people's token check. A topology document is validated here, on whichever hub received it, so a
 * bad one never reaches the engine; the rest is the engine's (on the leader).
 */
public final class TopologyRoutes implements ApiArea {

  private final TopologyHandlers topologies;
  private final Buffer schema;

  public TopologyRoutes(TopologyValidator validator, Buffer schema) {
    this.topologies = new TopologyHandlers(validator);
    this.schema = schema;
  }

  @Override
  public void mount(Router router) {
    router.get("/v1.0/schemas/topology.json").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/schema+json").end(schema));
    router.post("/v1.0/topologies").handler(JSON_BODY).handler(topologies::create);
    router.get("/v1.0/topologies").handler(topologies::list);
    router.get("/v1.0/topologies/:id").handler(topologies::get);
    router.delete("/v1.0/topologies/:id").handler(topologies::delete);
    router.post("/v1.0/components/:id/status").handler(topologies::status);
    router.put("/v1.0/components/:id/settings").handler(JSON_BODY).handler(topologies::settings);
    router.post("/v1.0/components/:id").handler(JSON_BODY).handler(topologies::flexUp);
    // Before /nodes/:id, so that "scripts" is never taken for a node id.
    router.put("/v1.0/nodes/scripts").handler(JSON_BODY).handler(topologies::scripts);
    router.post("/v1.0/nodes/:id/services").handler(ctx -> topologies.services(ctx, "start"));
    router.delete("/v1.0/nodes/:id/services").handler(ctx -> topologies.services(ctx, "stop"));
    router.put("/v1.0/nodes/:id/services").handler(ctx -> topologies.services(ctx, "restart"));
    router.delete("/v1.0/nodes/:id").handler(topologies::flexDown);
    router.put("/v1.0/nodes/:id").handler(topologies::replace);
    router.get("/v1.0/jobs").handler(topologies::jobs);
    router.get("/v1.0/jobs/:id").handler(topologies::job);
    router.delete("/v1.0/jobs/:id").handler(topologies::cancel);
  }
}
