package io.rainhub.leader;

import static io.rainhub.testing.TestHub.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.SqlDialect;
import io.rainhub.testing.TestDatabase;
import io.rainhub.testing.TestHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A hub whose database lease another hub has taken (as after a long pause) writes nothing more: its
 * next change is fenced in the database, it steps down, and the request is answered 503, not applied.
 */
class FencingTest {

  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void aDeposedLeaderWritesNothing(SqlDialect dialect) {
    TestDatabase database = TestDatabase.create(dialect);
    try (TestHub hub = TestHub.start(database, new JsonObject())) {
      String token = await(hub.adminToken());
      assertThat(await(hub.postJson("/mothership/", token, mothership("before"))).statusCode()).isEqualTo(201);
      long epoch = database.queryLong("SELECT epoch FROM leases WHERE name = 'singletons'");
      assertThat(database.queryLong("SELECT COUNT(*) FROM events WHERE epoch = " + epoch)).isPositive();

      // What another hub's takeover does to the row: a new holder at the next epoch.
      database.execute("UPDATE leases SET holder = 'other-hub', holder_info = 'another hub', epoch = epoch + 1,"
          + " expires_at_ms = expires_at_ms + 3600000 WHERE name = 'singletons'");
      long eventsBefore = database.queryLong("SELECT COUNT(*) FROM events");

      var refused = await(hub.postJson("/mothership/", token, mothership("after")));
      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
      assertThat(refused.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(database.queryLong("SELECT COUNT(*) FROM motherships WHERE name = 'after'")).isZero();
      assertThat(database.queryLong("SELECT COUNT(*) FROM events")).isEqualTo(eventsBefore);
      assertThat(database.queryLong("SELECT epoch FROM leases WHERE name = 'singletons'")).isEqualTo(epoch + 1);
      assertThat(database.queryLong("SELECT COUNT(*) FROM leases WHERE holder = 'other-hub'"))
          .as("the deposed hub did not take the lease back").isOne();
    }
  }

  private static JsonObject mothership(String name) {
    return new JsonObject().put("name", name).put("address", name + ":1")
        .put("capacity", new JsonObject().put("cpu", 2).put("ramMb", 1024).put("bandwidthMbps", 10));
  }
}
