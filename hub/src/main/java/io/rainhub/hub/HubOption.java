package io.rainhub.hub;

import java.util.Locale;
import java.util.Optional;

/**
 * Every setting of {@code rainhub serve}: its flag and YAML key (the same name), its environment
 * variable, default and meaning. The CLI, the YAML loader and the README's table all follow this list.
 */
public enum HubOption {
  CONFIG("config", "config/hub.yaml", "YAML file with any of these settings (a missing default file is fine)"),
  HOST("host", "0.0.0.0", "Address the HTTP server binds"),
  PORT("port", "8080", "HTTP port (0 picks a free one)"),
  DATA_DIR("data-dir", "./data", "Directory of the embedded database and the generated admin password"),
  DB("db", "embedded", "'embedded' (H2 under --data-dir) or postgresql://user:pass@host:port/db"),
  CLUSTER("cluster", "false", "Join a Hazelcast cluster of hubs (needs --db postgresql://...)"),
  CLUSTER_HOST("cluster-host", "127.0.0.1", "Address this hub's cluster and event-bus traffic uses"),
  CLUSTER_PORT("cluster-port", "5701", "First Hazelcast port to try (the next free one is taken)"),
  CLUSTER_MEMBERS("cluster-members", "127.0.0.1", "Comma-separated addresses (host or host:port) of other hubs"),
  TLS_CERT("tls-cert", null, "PEM certificate chain: serve HTTPS (with --tls-key)"),
  TLS_KEY("tls-key", null, "PEM private key for --tls-cert"),
  AGENT_CLIENT_CA("agent-client-ca", null,
      "PEM CA certificate(s): agents must also present a client certificate signed by one (mutual TLS; needs --tls-cert)"),
  BODY_LIMIT("body-limit", "1048576", "Largest request body accepted, in bytes (larger gets 413)"),
  HTTP_INSTANCES("http-instances", "1", "HTTP verticle instances (event loops serving the API)"),
  TOKEN_TTL("token-ttl", "3600", "Lifetime of access tokens, in seconds"),
  LOGIN_THROTTLE("login-throttle-ms", "1000",
      "First delay after a few failed logins (per account and address, per address, per account); doubles with"
          + " each further failure up to 60 times this, and a success resets the account"),
  PLACEMENT_STRATEGY("placement-strategy", "spread",
      "How instances are placed: spread (least utilised mothership) or binpack (most utilised that fits)"),
  EVENT_RETENTION("event-retention-hours", "168",
      "Events older than this are pruned; clients resuming from before them get 410 and re-list"),
  HEARTBEAT_INTERVAL("heartbeat-interval-ms", "1000", "How often agents send a heartbeat; two missed make a node SUSPECT"),
  AGENT_TTL("agent-ttl-ms", "3000", "A node whose agent is silent this long is LOST (at least two heartbeat intervals)"),
  AGENT_RECONNECT_MAX("agent-reconnect-max-ms", "15000",
      "The longest an agent waits between reconnect attempts (rain-agent's is 15000); after a hub restart or"
          + " takeover, nodes get this plus the TTL to come back before they can be SUSPECT or LOST"),
  LEADER_LEASE("leader-lease-ms", "4000",
      "How long the hub running the hypervisor holds the database lease without renewing it (every quarter of"
          + " this); when it dies or hangs, another clustered hub takes over after at most this long"),
  LOST_POLICY("lost-policy", "reschedule",
      "What happens to the instances of a LOST mothership: reschedule (place them elsewhere) or release"),
  COMMAND_EXPIRY("command-expiry-seconds", "3600",
      "A command its node has not finished by then fails with a command.expired event"),
  RECIPES("recipes", "config/recipes",
      "The recipes of topology components (<type>/<version>/recipe.json and scripts); relative paths are looked up"
          + " in the working directory, then beside the hub's checkout"),
  AGENT_JAR("agent-jar", null,
      "The rain-agent jar the local target runs for topology nodes; default: agent-client/target/rain-agent.jar"
          + " of the hub's checkout"),
  JWT_SECRET("jwt-secret", null, "HS256 signing secret, 32+ characters; default: generated once and shared through the database"),
  ADMIN_PASSWORD("admin-password", null, "Password of the 'admin' user created on first start; default: generated");

  private final String key;
  private final String defaultValue;
  private final String description;

  HubOption(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The flag without dashes, and the YAML key. */
  public String key() {
    return key;
  }

  public String flag() {
    return "--" + key;
  }

  public String environmentVariable() {
    return "RAINHUB_" + key.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  public static Optional<HubOption> byKey(String key) {
    for (HubOption option : values()) {
      if (option.key.equals(key)) {
        return Optional.of(option);
      }
    }
    return Optional.empty();
  }
}
