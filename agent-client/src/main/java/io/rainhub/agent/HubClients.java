package io.rainhub.agent;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

/** The Vert.x clients agents reach the hub with, configured alike for both transports. */
public final class HubClients {

  /** The protocol's largest frame. */
  public static final int MAX_FRAME_BYTES = 1 << 20;
  private static final int CONNECT_TIMEOUT_MS = 10_000;

  private HubClients() {
  }

  /** @param maxConnections how many sockets this client holds at once: one per agent it serves */
  public static WebSocketClient webSocketClient(Vertx vertx, HubEndpoint hub, TlsSettings tls, int maxConnections) {
    WebSocketClientOptions options = tls.applyTo(new WebSocketClientOptions())
        .setSsl(hub.ssl())
        .setVerifyHost(!tls.trustAll())
        .setConnectTimeout(CONNECT_TIMEOUT_MS)
        .setMaxMessageSize(MAX_FRAME_BYTES)
        .setMaxConnections(maxConnections);
    return vertx.createWebSocketClient(options);
  }

  /** Room for the long poll, a heartbeat and a frame at once. */
  public static HttpClient httpClient(Vertx vertx, HubEndpoint hub, TlsSettings tls) {
    HttpClientOptions options = tls.applyTo(new HttpClientOptions())
        .setSsl(hub.ssl())
        .setVerifyHost(!tls.trustAll())
        .setConnectTimeout(CONNECT_TIMEOUT_MS);
    return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(4));
  }
}
