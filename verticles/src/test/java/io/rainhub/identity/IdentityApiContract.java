package io.rainhub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.EventLog;
import io.rainhub.store.SqlDialect;
import io.rainhub.store.Store;
import io.rainhub.testing.TestDatabase;
import io.rainhub.testing.HubContract;
import io.rainhub.testing.TestHub;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Tenants, users and login over real HTTP, stored in a real database. Each subclass runs the whole
 * contract on one database kind.
 */
abstract class IdentityApiContract extends HubContract {


  @Test
  void adminCreatesATenantAndAUserWhoCanLogIn(VertxTestContext test) {
    String tenant = unique("acme");
    String username = unique("bob");
    hub.postJson("/v1.0/tenants", admin, new JsonObject().put("name", tenant))
        .compose(created -> {
          test.verify(() -> {
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(created.bodyAsJsonObject().getString("name")).isEqualTo(tenant);
            assertThat(created.bodyAsJsonObject().getString("id")).isNotBlank();
          });
          return hub.postJson("/v1.0/users", admin, user(username, tenant, "user"));
        })
        .compose(created -> {
          test.verify(() -> {
            assertThat(created.statusCode()).isEqualTo(201);
            JsonObject body = created.bodyAsJsonObject();
            assertThat(body.getString("username")).isEqualTo(username);
            assertThat(body.getString("tenant")).isEqualTo(tenant);
            assertThat(body.getJsonArray("roles")).containsExactly("user");
            assertThat(body.fieldNames()).doesNotContain("password", "passwordHash", "password_hash");
          });
          return hub.login(username, "correct horse battery");
        })
        .compose(token -> hub.get("/v1.0/whoami", token))
        .onComplete(test.succeeding(whoami -> test.verify(() -> {
          assertThat(whoami.statusCode()).isEqualTo(200);
          assertThat(whoami.bodyAsJsonObject().getString("username")).isEqualTo(username);
          assertThat(whoami.bodyAsJsonObject().getString("tenant")).isEqualTo(tenant);
          test.completeNow();
        })));
  }

  @Test
  void listsShowWhatWasCreatedWithoutPasswordHashes(VertxTestContext test) {
    String tenant = unique("listed");
    String username = unique("carol");
    hub.postJson("/v1.0/tenants", admin, new JsonObject().put("name", tenant))
        .compose(ok -> hub.postJson("/v1.0/users", admin, user(username, tenant, "admin", "user")))
        .compose(ok -> Future.all(hub.get("/v1.0/tenants", admin), hub.get("/v1.0/users", admin)))
        .onComplete(test.succeeding(lists -> test.verify(() -> {
          JsonArray tenants = lists.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(0).bodyAsJsonObject().getJsonArray("items");
          JsonArray users = lists.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(1).bodyAsJsonObject().getJsonArray("items");
          assertThat(tenants.stream().map(t -> ((JsonObject) t).getString("name"))).contains("system", tenant);
          JsonObject carol = users.stream().map(JsonObject.class::cast)
              .filter(u -> u.getString("username").equals(username)).findFirst().orElseThrow();
          assertThat(carol.getJsonArray("roles")).containsExactlyInAnyOrder("admin", "user");
          assertThat(users.encode()).doesNotContain("pbkdf2").doesNotContain("password");
          test.completeNow();
        })));
  }

  @Test
  void duplicatesAre409AndNameTheField(VertxTestContext test) {
    String tenant = unique("dup");
    String username = unique("dave");
    hub.postJson("/v1.0/tenants", admin, new JsonObject().put("name", tenant))
        .compose(ok -> hub.postJson("/v1.0/tenants", admin, new JsonObject().put("name", tenant)))
        .compose(duplicateTenant -> {
          test.verify(() -> assertProblem(duplicateTenant, 409, "name"));
          return hub.postJson("/v1.0/users", admin, user(username, tenant, "user"));
        })
        .compose(ok -> hub.postJson("/v1.0/users", admin, user(username, tenant, "admin")))
        .onComplete(test.succeeding(duplicateUser -> test.verify(() -> {
          assertProblem(duplicateUser, 409, "username");
          test.completeNow();
        })));
  }

  @Test
  void rejectedRequestsChangeNothing(VertxTestContext test) {
    String username = unique("eve");
    Store store = Store.open(hub.vertx(), hub.database().config());
    EventLog.since(store.pool(), 0, 10_000).compose(before ->
        hub.postJson("/v1.0/users", admin, user(username, "no-such-tenant", "user"))
            .compose(unknownTenant -> {
              test.verify(() -> assertProblem(unknownTenant, 400, "tenant"));
              return hub.postJson("/v1.0/users", admin, user(username, "system", "superuser"));
            })
            .compose(badRole -> {
              test.verify(() -> assertProblem(badRole, 400, "roles[0]"));
              return hub.postJson("/v1.0/users", admin, user(username, "system", "user").put("password", "short"));
            })
            .compose(shortPassword -> {
              test.verify(() -> assertProblem(shortPassword, 400, "password"));
              return hub.postJson("/v1.0/tenants", admin, new JsonObject().put("name", "has spaces"));
            })
            .compose(badName -> {
              test.verify(() -> assertProblem(badName, 400, "name"));
              return Future.all(hub.get("/v1.0/users", admin), EventLog.since(store.pool(), 0, 10_000));
            })
            .onComplete(test.succeeding(after -> test.verify(() -> {
              io.vertx.ext.web.client.HttpResponse<?> users = after.resultAt(0);
              assertThat(users.bodyAsString()).doesNotContain(username);
              java.util.List<EventLog.Event> eventsAfter = after.resultAt(1);
              assertThat(eventsAfter).hasSameSizeAs(before);
              store.close().onComplete(test.succeedingThenComplete());
            }))));
  }

  @Test
  void everyAcceptedChangeIsInTheEventLog(VertxTestContext test) {
    String tenant = unique("evented");
    String username = unique("frank");
    Store store = Store.open(hub.vertx(), hub.database().config());
    hub.postJson("/v1.0/tenants", admin, new JsonObject().put("name", tenant))
        .compose(ok -> hub.postJson("/v1.0/users", admin, user(username, tenant, "user")))
        .compose(ok -> EventLog.since(store.pool(), 0, 10_000))
        .onComplete(test.succeeding(events -> test.verify(() -> {
          assertThat(events).anySatisfy(event -> {
            assertThat(event.type()).isEqualTo("tenant.created");
            assertThat(event.payload().getString("name")).isEqualTo(tenant);
          });
          assertThat(events).anySatisfy(event -> {
            assertThat(event.type()).isEqualTo("user.created");
            assertThat(event.payload().getString("username")).isEqualTo(username);
            assertThat(event.payload().encode()).doesNotContain("pbkdf2");
          });
          // The bootstrap itself is recorded: the system tenant and the admin.
          assertThat(events.get(0).type()).isEqualTo("tenant.created");
          assertThat(events.get(1).type()).isEqualTo("user.created");
          store.close().onComplete(test.succeedingThenComplete());
        })));
  }

  /** What was acknowledged survives a restart; the admin is created once, not per start. */
  @Test
  void aRestartedHubKeepsEverything(VertxTestContext test) throws Exception {
    TestDatabase database = TestDatabase.create(dialect());
    String username = unique("grace");
    try (TestHub first = TestHub.start(database, new JsonObject())) {
      String token = TestHub.await(first.adminToken());
      TestHub.await(first.postJson("/v1.0/users", token, user(username, "system", "user")));
    }
    TestHub second = TestHub.start(database, new JsonObject());
    second.login(username, "correct horse battery")
        .compose(token -> second.adminToken())
        .compose(token -> second.get("/v1.0/users", token))
        .onComplete(test.succeeding(users -> test.verify(() -> {
          assertThat(users.bodyAsJsonObject().getJsonArray("items").stream()
              .filter(u -> ((JsonObject) u).getString("username").equals("admin"))).hasSize(1);
          assertThat(users.bodyAsString()).contains(username);
          // A configured admin password is never written to disk.
          assertThat(Files.exists(database.dataDir().resolve(IdentityVerticle.ADMIN_PASSWORD_FILE))).isFalse();
          second.vertx().close().onComplete(test.succeedingThenComplete());
        })));
  }

  static JsonObject user(String username, String tenant, String... roles) {
    return new JsonObject().put("username", username).put("password", "correct horse battery")
        .put("tenant", tenant).put("roles", new JsonArray(java.util.List.of((Object[]) roles)));
  }

  static void assertProblem(io.vertx.ext.web.client.HttpResponse<?> response, int status, String field) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    assertThat(problem.getJsonArray("invalid-params").stream().map(p -> ((JsonObject) p).getString("name")))
        .contains(field);
  }

  static void assertStatusProblem(io.vertx.ext.web.client.HttpResponse<?> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getInteger("status")).isEqualTo(status);
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
