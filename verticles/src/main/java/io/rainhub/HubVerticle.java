package io.rainhub;

import io.rainhub.api.HttpApiVerticle;
import io.rainhub.events.EventTailVerticle;
import io.rainhub.leader.LeaderVerticle;
import io.rainhub.identity.IdentityVerticle;
import io.rainhub.identity.PasswordHasher;
import io.rainhub.metrics.HubMetrics;
import io.rainhub.store.DatabaseConfig;
import io.rainhub.store.SharedSettings;
import io.rainhub.store.Store;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Composes the hub: makes sure the shared JWT signing key exists, then deploys each verticle with
 * its slice of the configuration. Expects a migrated database.
 *
 * <p>Configuration: {@code database} ({@link DatabaseConfig} JSON), {@code dataDir}, {@code http}
 * ({@code host, port, bodyLimit, tls {cert, key}, instances}), {@code auth} ({@code jwtSecret?,
 * tokenTtlSeconds, adminPassword?, pbkdf2Iterations, passwordWorkers, passwordQueue,
 * loginThrottleMillis}), {@code leader} ({@code leaseMs}), {@code hypervisor} ({@code placementStrategy,
 * maxSessions, sessionIdleMillis, maxBatch}), {@code events} ({@code retentionHours, pollMillis}),
 * {@code metricsRegistry} (from {@link HubMetrics#registryName}).
 */
public class HubVerticle extends VerticleBase {

  static final String JWT_SECRET_SETTING = "auth.jwt.hs256.secret";

  private Store store;

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    JsonObject database = conf.getJsonObject("database");
    JsonObject auth = conf.getJsonObject("auth", new JsonObject());
    JsonObject http = conf.getJsonObject("http", new JsonObject());
    // Held until stop: the verticles below join this shared pool instead of re-creating it.
    store = Store.open(vertx, DatabaseConfig.fromJson(database));
    return signingSecret(store, auth.getString("jwtSecret"))
        .compose(secret -> vertx.deployVerticle(IdentityVerticle::new, new DeploymentOptions().setConfig(new JsonObject()
                .put("database", database)
                .put("dataDir", conf.getString("dataDir"))
                .put("adminPassword", auth.getString("adminPassword"))
                .put("pbkdf2Iterations", auth.getInteger("pbkdf2Iterations", PasswordHasher.DEFAULT_ITERATIONS))
                .put("passwordWorkers", auth.getInteger("passwordWorkers", PasswordHasher.DEFAULT_WORKERS))
                .put("passwordQueue", auth.getInteger("passwordQueue", PasswordHasher.DEFAULT_QUEUE))
                .put("loginThrottleBaseMillis",
                    auth.getLong("loginThrottleMillis", IdentityVerticle.DEFAULT_THROTTLE_BASE_MILLIS))))
            .compose(identity -> vertx.deployVerticle(LeaderVerticle::new, new DeploymentOptions()
                .setConfig(conf.getJsonObject("leader", new JsonObject()).copy().put("database", database)
                    .put("hypervisor", conf.getJsonObject("hypervisor", new JsonObject()))
                    .put("workflow", workflowConfig(conf, secret)))))
            .compose(hypervisor -> vertx.deployVerticle(EventTailVerticle::new, new DeploymentOptions()
                .setConfig(conf.getJsonObject("events", new JsonObject()).copy().put("database", database))))
            .compose(tail -> vertx.deployVerticle(HttpApiVerticle::new, new DeploymentOptions()
                .setInstances(http.getInteger("instances", 1))
                .setConfig(http.copy()
                    .put("database", database)
                    .put(HubMetrics.REGISTRY_KEY, conf.getString(HubMetrics.REGISTRY_KEY))
                    .put("jwtSecret", secret)
                    .put("recipesDir", conf.getJsonObject("workflow", new JsonObject())
                        .getString("recipesDir", "config/recipes"))
                    .put("tokenTtlSeconds", auth.getInteger("tokenTtlSeconds", 3600))))));
  }

  @Override
  public Future<?> stop() {
    return store.close();
  }

  /**
   * The engine's settings ({@code workflow}: recipesDir, agentJar, localDir, hubUrl), with the signing
   * secret for the local target's agent tokens and, unless given, this hub's own URL for its agents.
   */
  private static JsonObject workflowConfig(JsonObject conf, String secret) {
    JsonObject workflow = conf.getJsonObject("workflow", new JsonObject()).copy().put("jwtSecret", secret);
    if (workflow.getString("localDir") == null && conf.getString("dataDir") != null) {
      workflow.put("localDir", java.nio.file.Path.of(conf.getString("dataDir"), "topologies").toString());
    }
    return workflow;
  }

  /** The configured secret, else the one the hubs of this database share (created on first start). */
  private static Future<String> signingSecret(Store store, String configured) {
    if (configured != null && !configured.isBlank()) {
      return Future.succeededFuture(configured);
    }
    return new SharedSettings(store).getOrCreate(JWT_SECRET_SETTING, () -> {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      return Base64.getEncoder().encodeToString(key);
    });
  }
}
