package io.rainhub.api;

import io.rainhub.store.Store;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** The event log for clients: a page, Server-Sent Events and a WebSocket, each resumable by sequence. */
final class EventRoutes implements ApiArea {

  private final EventStreams events;

  EventRoutes(Vertx vertx, Store store) {
    this.events = new EventStreams(vertx, store);
  }

  @Override
  public void mount(Router router) {
    router.get("/v1.0/events").handler(events::list);
    router.get("/v1.0/events/stream").handler(events::serverSentEvents);
    router.get("/v1.0/events/ws").handler(events::webSocket);
  }
}
