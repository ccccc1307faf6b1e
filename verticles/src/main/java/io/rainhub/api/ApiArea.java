package io.rainhub.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * One area of the HTTP API, declaring its routes in one block. {@link HttpApiVerticle} mounts the
 * areas in order, and the router tries routes in the order they were added. Areas add their routes
 * to the hub's router itself, not to a sub-router, so that {@code OpenApiCoverageTest} sees them.
 */
@FunctionalInterface
public interface ApiArea {

  /** The media type of the API's request bodies. */
  String JSON = "application/json";

  /** First handler of a route that takes a JSON body (see {@link MediaTypes#requireJson}). */
  Handler<RoutingContext> JSON_BODY = MediaTypes::requireJson;

  void mount(Router router);
}
