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
 * even the capacity it reserved in memory — and the hub carries on once the store accepts writes.
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
