package io.rainhub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.EventLog;
import io.rainhub.store.SqlDialect;
import io.rainhub.store.Store;
import io.rainhub.testing.TestDatabase;
import io.rainhub.testing.HubContract;
import io.rainhub.testing.TestHub;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
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

  /** Issue 10 item 5: a guesser gets 429 + Retry-After after a few tries; the right password waits out the same bounded delay. */
  @Test
  void wrongPasswordsInARowAreThrottledAndTheRightOneWorksAfterTheDelay() throws Exception {
    try (TestHub throttled = TestHub.start(TestDatabase.create(dialect()), new JsonObject(), new JsonObject(),
        FAST_CHECKS.copy().put("loginThrottleMillis", 500))) {
      String username = unique("henry");
      String token = TestHub.await(throttled.adminToken());
      assertThat(TestHub.await(throttled.postJson("/v1.0/users", token, user(username, "system", "user"))).statusCode())
          .isEqualTo(201);
      java.util.List<HttpResponse<Buffer>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 30; i++) {
        answers.add(TestHub.await(login(throttled.client(), username, "wrong password " + i)));
      }
      assertThat(answers.subList(0, 3)).allSatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(401));
      assertThat(answers.stream().filter(answer -> answer.statusCode() == 401).count()).isLessThan(10);
      assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).isIn(401, 429));
      answers.stream().filter(answer -> answer.statusCode() == 429).forEach(IdentityApiContract::assertThrottled);

      HttpResponse<Buffer> rightDuringPenalty = TestHub.await(login(throttled.client(), username, "correct horse battery"));
      assertThrottled(rightDuringPenalty);
      Thread.sleep(1_000L * Integer.parseInt(rightDuringPenalty.getHeader("Retry-After")));
      assertThat(TestHub.await(login(throttled.client(), username, "correct horse battery")).statusCode()).isEqualTo(200);
      // The success reset the account: the next typo is a plain 401 again.
      assertThat(TestHub.await(login(throttled.client(), username, "typo")).statusCode()).isEqualTo(401);

      String metrics = TestHub.await(throttled.client().get("/metrics").send()).bodyAsString();
      assertThat(loginCount(metrics, "success")).isGreaterThanOrEqualTo(2);
      assertThat(loginCount(metrics, "failure")).isGreaterThanOrEqualTo(4);
      assertThat(loginCount(metrics, "throttled")).isGreaterThanOrEqualTo(1);
    }
  }

  /** One address spraying guesses over many names is stopped; other addresses and the admin are not. */
  @Test
  void oneAddressIsThrottledAcrossAccountsWithoutLockingOthersOut() throws Exception {
    try (TestHub throttled = TestHub.start(TestDatabase.create(dialect()), new JsonObject(), new JsonObject(),
        FAST_CHECKS.copy().put("loginThrottleMillis", 2_000))) {
      WebClient sprayer = from(throttled, "127.0.0.2");
      WebClient bystander = from(throttled, "127.0.0.3");
      java.util.List<Integer> statuses = new java.util.ArrayList<>();
      for (int i = 0; i < 25; i++) {
        statuses.add(TestHub.await(login(sprayer, unique("nobody"), "guess")).statusCode());
      }
      assertThat(statuses.subList(0, 21)).containsOnly(401);
      assertThat(statuses.subList(21, 25)).containsOnly(429);
      assertThrottled(TestHub.await(login(sprayer, "admin", TestHub.ADMIN_PASSWORD)));
      assertThat(TestHub.await(login(bystander, "admin", TestHub.ADMIN_PASSWORD)).statusCode()).isEqualTo(200);

      // Guessing the admin's password from one address throttles that address, not the admin.
      WebClient guesser = from(throttled, "127.0.0.4");
      for (int i = 0; i < 10; i++) {
        TestHub.await(login(guesser, "admin", "guess " + i));
      }
      assertThrottled(TestHub.await(login(guesser, "admin", "guess")));
      assertThat(TestHub.await(login(bystander, "admin", TestHub.ADMIN_PASSWORD)).statusCode()).isEqualTo(200);
    }
  }

  /**
   * PBKDF2 runs on a small pool of its own with a bounded queue: 8 parallel guessers get answers
   * (some "busy" at once) while probes and authenticated reads stay fast.
   */
  @Test
  void parallelGuessersDoNotSlowOtherRequests() throws Exception {
    try (TestHub loaded = TestHub.start(TestDatabase.create(dialect()), new JsonObject(), new JsonObject(),
        new JsonObject().put("passwordWorkers", 2).put("passwordQueue", 4))) {
      String token = TestHub.await(loaded.adminToken());
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.Map<Integer, java.util.concurrent.atomic.AtomicInteger> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
      java.util.List<Thread> guessers = new java.util.ArrayList<>();
      for (int g = 0; g < 8; g++) {
        WebClient guesser = from(loaded, "127.0.0." + (10 + g));
        Thread thread = new Thread(() -> {
          while (!stop.get()) {
            int status = TestHub.await(login(guesser, unique("nobody"), "guess")).statusCode();
            outcomes.computeIfAbsent(status, s -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            if (status != 401) {
              sleepQuietly(20); // the attacker's own CPU, which here is ours
            }
          }
        });
        thread.start();
        guessers.add(thread);
      }
      long worstMillis = 0;
      try {
        Thread.sleep(500);
        for (int i = 0; i < 25; i++) {
          long started = System.nanoTime();
          HttpResponse<Buffer> live = TestHub.await(loaded.client().get("/health/live").send());
          HttpResponse<Buffer> whoami = TestHub.await(loaded.get("/v1.0/whoami", token));
          worstMillis = Math.max(worstMillis, (System.nanoTime() - started) / 1_000_000);
          assertThat(live.statusCode()).isEqualTo(200);
          assertThat(whoami.statusCode()).isEqualTo(200);
          Thread.sleep(100);
        }
      } finally {
        stop.set(true);
        for (Thread thread : guessers) {
          thread.join(30_000);
        }
      }
      System.out.printf("8 parallel guessers: slowest health + whoami pair %d ms; guessers' statuses %s%n",
          worstMillis, outcomes);
      assertThat(worstMillis).as("slowest health + whoami pair, ms").isLessThan(1_000);
      assertThat(outcomes.keySet()).as("guessers' statuses %s", outcomes).containsOnly(401, 503);
      String metrics = TestHub.await(loaded.client().get("/metrics").send()).bodyAsString();
      assertThat(loginCount(metrics, "busy")).isGreaterThanOrEqualTo(1);
      assertThat(loginCount(metrics, "failure")).isGreaterThanOrEqualTo(1);
    }
  }

  /** Cheap password checks for tests that count throttling, not CPU. */
  private static final JsonObject FAST_CHECKS = new JsonObject().put("pbkdf2Iterations", 1_000);

  private static Future<HttpResponse<Buffer>> login(WebClient client, String username, String password) {
    return client.post("/auth/login").sendJsonObject(new JsonObject().put("username", username).put("password", password));
  }

  /** A client whose requests come from another loopback address: a source of its own to the hub. */
  private static WebClient from(TestHub hub, String localAddress) {
    return WebClient.create(hub.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(hub.port())
        .setLocalAddress(localAddress));
  }

  static void assertThrottled(HttpResponse<Buffer> response) {
    assertStatusProblem(response, 429);
    String retryAfter = response.getHeader("Retry-After");
    assertThat(retryAfter).as("Retry-After").matches("[1-9][0-9]*");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("retryAfterSeconds")).isEqualTo(Integer.parseInt(retryAfter));
    assertThat(problem.getString("detail")).contains("try again in " + retryAfter + " s");
  }

  private static double loginCount(String metrics, String outcome) {
    return metrics.lines().filter(line -> line.startsWith("rainhub_logins_total{") && line.contains("outcome=\"" + outcome + "\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
