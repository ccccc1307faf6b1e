package io.rainhub.agent;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything one agent needs: where the hubs are and the token for them, who the node is, where its
 * scripts and state live, and what it may do.
 *
 * @param scriptTimeout the longest a lifecycle script (or a guest command without timeoutMs) may run
 * @param keepAlive how a silent hub is noticed on the WebSocket
 * @param scriptPool the worker pool its scripts run on
 */
public record AgentConfig(HubEndpoints hubs, String token, AgentIdentity identity, Path scriptsDir, Path stateDir,
    boolean allowGuest, TransportKind transport, TlsSettings tls, Duration scriptTimeout,
    WebSocketTransport.KeepAlive keepAlive, ScriptPool scriptPool) {

  public AgentConfig(HubEndpoints hubs, String token, AgentIdentity identity, Path scriptsDir, Path stateDir,
      boolean allowGuest, TransportKind transport, TlsSettings tls, Duration scriptTimeout) {
    this(hubs, token, identity, scriptsDir, stateDir, allowGuest, transport, tls, scriptTimeout,
        WebSocketTransport.KeepAlive.DEFAULT);
  }

  public AgentConfig(HubEndpoints hubs, String token, AgentIdentity identity, Path scriptsDir, Path stateDir,
      boolean allowGuest, TransportKind transport, TlsSettings tls, Duration scriptTimeout,
      WebSocketTransport.KeepAlive keepAlive) {
    this(hubs, token, identity, scriptsDir, stateDir, allowGuest, transport, tls, scriptTimeout, keepAlive,
        ScriptPool.ownedBy(identity.name()));
  }

  /** The same agent, its scripts on {@code pool}. */
  public AgentConfig withScriptPool(ScriptPool pool) {
    return new AgentConfig(hubs, token, identity, scriptsDir, stateDir, allowGuest, transport, tls, scriptTimeout,
        keepAlive, pool);
  }

  /** {@code --transport}: the WebSocket, or the HTTP fallback. */
  public enum TransportKind { WS, HTTP }

  /**
   * A worker pool for scripts. Pools of one name are one pool: the nodes of a {@code rain-agent
   * host} share one, sized for all of them; a lone agent has its own thread.
   */
  public record ScriptPool(String name, int threads) {

    public static ScriptPool ownedBy(String agentName) {
      return new ScriptPool("rain-agent-scripts-" + agentName, 1);
    }
  }
}
