package io.rainhub.hub;

import io.rainhub.store.DatabaseConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/** Everything {@code rainhub serve} was told, after merging defaults, the YAML file, environment and flags. */
public record HubSettings(
    String host,
    int port,
    Path dataDir,
    DatabaseConfig database,
    boolean cluster,
    String clusterHost,
    int clusterPort,
    List<String> clusterMembers,
    Path tlsCert,
    Path tlsKey,
    Path agentClientCa,
    long bodyLimit,
    int httpInstances,
    int tokenTtlSeconds,
    int loginThrottleMs,
    String placementStrategy,
    int eventRetentionHours,
    int heartbeatIntervalMs,
    int agentTtlMs,
    int agentReconnectMaxMs,
    int leaderLeaseMs,
    String lostPolicy,
    int commandExpirySeconds,
    Path recipesDir,
    Path agentJar,
    String jwtSecret,
    String adminPassword) {

  public boolean tls() {
    return tlsCert != null;
  }

  /** The configuration {@link io.rainhub.HubVerticle} deploys with. */
  public JsonObject toVerticleConfig() {
    JsonObject http = new JsonObject().put("host", host).put("port", port).put("bodyLimit", bodyLimit)
        .put("instances", httpInstances);
    if (tls()) {
      http.put("tls", new JsonObject().put("cert", tlsCert.toString()).put("key", tlsKey.toString())
          .put("agentClientCa", agentClientCa == null ? null : agentClientCa.toString()));
    }
    JsonObject auth = new JsonObject().put("tokenTtlSeconds", tokenTtlSeconds)
        .put("loginThrottleMillis", (long) loginThrottleMs);
    if (jwtSecret != null) {
      auth.put("jwtSecret", jwtSecret);
    }
    if (adminPassword != null) {
      auth.put("adminPassword", adminPassword);
    }
    return new JsonObject()
        .put("hypervisor", new JsonObject().put("placementStrategy", placementStrategy)
            .put("heartbeatIntervalMs", heartbeatIntervalMs).put("agentTtlMs", agentTtlMs)
            .put("agentReconnectMaxMs", agentReconnectMaxMs)
            .put("lostPolicy", lostPolicy).put("commandExpirySeconds", commandExpirySeconds))
        .put("leader", new JsonObject().put("leaseMs", leaderLeaseMs))
        .put("workflow", new JsonObject().put("recipesDir", recipesDir.toAbsolutePath().normalize().toString())
            .put("agentJar", agentJar.toAbsolutePath().normalize().toString()))
        .put("events", new JsonObject().put("retentionHours", eventRetentionHours))
        .put("database", database.toJson())
        .put("dataDir", dataDir.toAbsolutePath().normalize().toString())
        .put("http", http)
        .put("auth", auth);
  }
}
