package io.rainhub.agent;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything one agent needs: where the hubs are and the token for them, who the node is, where its
 * scripts and state live, and what it may do.
 *
 * @param scriptTimeout the longest a lifecycle script (or a guest command without timeoutMs) may run
 * @param keepAlive how a silent hub is noticed on the WebSocket
 */
public record AgentConfig(HubEndpoints hubs, String token, AgentIdentity identity, Path scriptsDir, Path stateDir,
    boolean allowGuest, TransportKind transport, TlsSettings tls, Duration scriptTimeout,
    WebSocketTransport.KeepAlive keepAlive) {

  public AgentConfig(HubEndpoints hubs, String token, AgentIdentity identity, Path scriptsDir, Path stateDir,
      boolean allowGuest, TransportKind transport, TlsSettings tls, Duration scriptTimeout) {
    this(hubs, token, identity, scriptsDir, stateDir, allowGuest, transport, tls, scriptTimeout,
        WebSocketTransport.KeepAlive.DEFAULT);
  }

  /** {@code --transport}: the WebSocket, or the HTTP fallback. */
  public enum TransportKind { WS, HTTP }
}
