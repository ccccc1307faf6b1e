package io.rainhub.agent;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything one agent needs: where the hub is and the token for it, who the node is, where its
 * scripts and state live, and what it may do.
 *
 * @param scriptTimeout the longest a lifecycle script (or a guest command without timeoutMs) may run
 */
public record AgentConfig(HubEndpoint hub, String token, AgentIdentity identity, Path scriptsDir, Path stateDir,
    boolean allowGuest, TransportKind transport, TlsSettings tls, Duration scriptTimeout) {

  /** {@code --transport}: the WebSocket, or the HTTP fallback. */
  public enum TransportKind { WS, HTTP }
}
