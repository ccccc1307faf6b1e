package io.rainhub.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.SqlDialect;
import io.rainhub.testing.TestDatabase;
import io.rainhub.testing.TestHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * When the store refuses a change, the client is told (503), nothing of the change is kept — not
 * even the capacity it reserved in memory — and the hub carries on once the store accepts writes,
 * without a restart; readiness says the store is down meanwhile, liveness stays up.
 */
class StorageFailureTest {

  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void aChangeTheStoreRefusesIsNotAcknowledgedAndLeavesNoTrace(SqlDialect dialect) throws Exception {
    TestDatabase database = TestDatabase.create(dialect);
    try (TestHub hub = TestHub.start(database, new JsonObject())) {
      String token = TestHub.await(hub.adminToken());
      String mothership = TestHub.await(hub.postJson("/mothership/", token, new JsonObject().put("name", "m")
          .put("address", "m:1").put("capacity", new JsonObject().put("cpu", 4).put("ramMb", 4096)
              .put("bandwidthMbps", 100)))).bodyAsJsonObject().getString("id");
      TestHub.await(hub.postJson("/webcomponent/", token, new JsonObject().put("id", "w").put("version", "1")
          .put("urls", new JsonArray().add("/w/*")).put("resources", new JsonObject().put("cpu", 1)
              .put("ramMb", 64).put("bandwidthMbps", 1))));

      // The store now refuses new instances (an operator's mistake, a full disk...).
      database.execute(dialect == SqlDialect.H2
          ? "ALTER TABLE instances ADD CONSTRAINT refuse_all CHECK (state = 'NONE') NOCHECK"
          : "ALTER TABLE instances ADD CONSTRAINT refuse_all CHECK (state = 'NONE') NOT VALID");
      var refused = TestHub.await(hub.client().post("/webcomponent/w/1").bearerTokenAuthentication(token).send());
      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
      assertThat(refused.getHeader("Content-Type")).isEqualTo("application/problem+json");

      database.execute("ALTER TABLE instances DROP CONSTRAINT refuse_all");
      JsonObject summary = awaitReserved(hub, token, mothership);
      assertThat(summary.getJsonObject("reserved").getDouble("cpu")).isZero();
      assertThat(summary.getInteger("instanceCount")).isZero();

      var accepted = TestHub.await(hub.client().post("/webcomponent/w/1").bearerTokenAuthentication(token).send());
      assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(201);
      assertThat(TestHub.await(hub.get("/mothership/" + mothership, token)).bodyAsJsonObject()
          .getJsonObject("reserved").getDouble("cpu")).isEqualTo(1.0);
    }
  }

  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void whileNoWriteCanSucceedReadinessSaysTheStoreIsDownAndWritesRecoverOnTheirOwn(SqlDialect dialect)
      throws Exception {
    TestDatabase database = TestDatabase.create(dialect);
    try (TestHub hub = TestHub.start(database, new JsonObject())) {
      String token = TestHub.await(hub.adminToken());
      assertThat(TestHub.await(hub.client().get("/health/ready").send()).statusCode()).isEqualTo(200);

      // Every write starts with the lease fence: refusing updates of the lease refuses every write
      // while reads go on working (a full disk, a read-only volume, a revoked grant...).
      database.execute(dialect == SqlDialect.H2
          ? "ALTER TABLE leases ADD CONSTRAINT refuse_writes CHECK (epoch < 0) NOCHECK"
          : "ALTER TABLE leases ADD CONSTRAINT refuse_writes CHECK (epoch < 0) NOT VALID");
      var refused = TestHub.await(hub.postJson("/mothership/", token, mothership("m1")));
      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
      Thread.sleep(1_500);
      var ready = TestHub.await(hub.client().get("/health/ready").send());
      assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(503);
      assertThat(ready.bodyAsString()).contains("store").contains("write");
      assertThat(TestHub.await(hub.client().get("/health/live").send()).statusCode()).isEqualTo(200);

      database.execute("ALTER TABLE leases DROP CONSTRAINT refuse_writes");
      awaitReady(hub);
      var accepted = TestHub.await(hub.postJson("/mothership/", token, mothership("m2")));
      assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(201);
    }
  }

  /**
   * After a write error H2 closes the database (an I/O error such as a full disk puts its store in
   * panic); PostgreSQL drops its connections when it restarts. Either way every pooled connection
   * is dead: the hub must get fresh ones, not answer 503 until restarted.
   */
  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void afterTheStoreDroppedEveryConnectionTheNextWritesSucceedWithoutARestart(SqlDialect dialect)
      throws Exception {
    TestDatabase database = TestDatabase.create(dialect);
    try (TestHub hub = TestHub.start(database, new JsonObject())) {
      String token = TestHub.await(hub.adminToken());
      assertThat(TestHub.await(hub.postJson("/mothership/", token, mothership("before"))).statusCode()).isEqualTo(201);

      database.execute(dialect == SqlDialect.H2 ? "SHUTDOWN IMMEDIATELY"
          : "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
              + " AND pid <> pg_backend_pid()");

      int status = 0;
      for (int attempt = 0; attempt < 100 && status != 201; attempt++) {
        status = TestHub.await(hub.postJson("/mothership/", token, mothership("after"))).statusCode();
        if (status != 201) {
          assertThat(status).isEqualTo(503);
          Thread.sleep(100);
        }
      }
      assertThat(status).as("a write succeeds again without a restart").isEqualTo(201);
      awaitReady(hub);
      assertThat(TestHub.await(hub.get("/mothership/all", token)).bodyAsString()).contains("before").contains("after");
    }
  }

  private static JsonObject mothership(String name) {
    return new JsonObject().put("name", name).put("address", name + ":1").put("capacity",
        new JsonObject().put("cpu", 4).put("ramMb", 4096).put("bandwidthMbps", 100));
  }

  private static void awaitReady(TestHub hub) throws InterruptedException {
    int status = 0;
    for (int attempt = 0; attempt < 100; attempt++) {
      status = TestHub.await(hub.client().get("/health/ready").send()).statusCode();
      if (status == 200) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("/health/ready answered " + status + ", not 200, within 10 s");
  }

  /** The hypervisor answers 503 while it reloads after the failure; wait until it answers again. */
  private static JsonObject awaitReserved(TestHub hub, String token, String mothership) throws InterruptedException {
    for (int attempt = 0; attempt < 100; attempt++) {
      var response = TestHub.await(hub.get("/mothership/" + mothership, token));
      if (response.statusCode() == 200) {
        return response.bodyAsJsonObject();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the hypervisor did not recover");
  }
}
