package io.rainhub.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The cloud API benchmark's fleet: motherships with room to spare and rain servers over the
 * components' URL prefixes, then the components themselves, so no placement is short of capacity.
 */
final class CloudFleetSetup {

  private final Vertx vertx;
  private final HubClient hub;
  private final CloudApiBenchmarkOptions options;

  CloudFleetSetup(Vertx vertx, HubClient hub, CloudApiBenchmarkOptions options) {
    this.vertx = vertx;
    this.hub = hub;
    this.options = options;
  }

  RequestBatch register() {
    JsonObject capacity = new JsonObject().put("cpu", 64).put("ramMb", 262144).put("bandwidthMbps", 10000);
    int total = options.motherships + options.servers;
    return RequestDriver.drive(vertx, "registration", total, 32, RequestDriver.Start.CONTEXT_PER_CHAIN, i -> {
      if (i < options.motherships) {
        return hub.post("/mothership/")
            .sendJsonObject(new JsonObject().put("name", "bench-ms-" + i)
                .put("address", "127.0.0.1:" + (20000 + i)).put("capacity", capacity));
      }
      int s = i - options.motherships;
      return hub.post("/rainservers/")
          .sendJsonObject(new JsonObject().put("name", "bench-rs-" + s).put("address", "127.0.0.1:" + (40000 + s))
              .put("urls", new JsonArray().add("/c" + (s % options.components) + "/*")));
    }, 201, null);
  }

  RequestBatch deploy() {
    return RequestDriver.drive(vertx, "deploy", options.components, 8, RequestDriver.Start.CONTEXT_PER_CHAIN,
        k -> hub.post("/webcomponent/")
            .sendJsonObject(new JsonObject().put("id", "c" + k).put("version", "1.0")
                .put("urls", new JsonArray().add("/c" + k + "/*"))
                .put("resources", new JsonObject().put("cpu", 0.05).put("ramMb", 32).put("bandwidthMbps", 1))),
        201, null);
  }
}
