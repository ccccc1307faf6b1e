package io.rainhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.SqlDialect;
import io.rainhub.testing.TestDatabase;
import io.rainhub.testing.TestHub;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every class of bad input gets its status and a problem+json body, and nothing else. */
@ExtendWith(VertxExtension.class)
class ErrorResponsesTest {

  private static final int SMALL_LIMIT = 4096;
  private static TestHub hub;
  private static TestHub smallLimitHub;
  private static String admin;

  @BeforeAll
  static void start() {
    hub = TestHub.start(SqlDialect.H2);
    smallLimitHub = TestHub.start(TestDatabase.create(SqlDialect.H2), new JsonObject().put("bodyLimit", SMALL_LIMIT));
    admin = TestHub.await(hub.adminToken());
  }

  @AfterAll
  static void stop() {
    hub.close();
    smallLimitHub.close();
  }

  @Test
  void malformedJsonIs400(VertxTestContext test) {
    Future.all(
            raw(hub, HttpMethod.POST, "/v1.0/tenants", "application/json", "{\"name\": "),
            raw(hub, HttpMethod.POST, "/auth/login", "application/json", "not json at all"),
            raw(hub, HttpMethod.POST, "/v1.0/tenants", "application/json", "[\"a JSON array\"]"),
            raw(hub, HttpMethod.POST, "/v1.0/tenants", "application/json", ""))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          for (int i = 0; i < 4; i++) {
            assertProblem(all.resultAt(i), 400);
          }
          test.completeNow();
        })));
  }

  @Test
  void wrongTypesAndMissingFieldsAre400NamingEachField(VertxTestContext test) {
    JsonObject body = new JsonObject().put("username", 42).put("roles", "admin").put("tenant", new JsonArray());
    hub.postJson("/v1.0/users", admin, body).onComplete(test.succeeding(response -> test.verify(() -> {
      JsonObject problem = assertProblem(response, 400);
      assertThat(problem.getJsonArray("invalid-params").stream().map(p -> ((JsonObject) p).getString("name")))
          .containsExactlyInAnyOrder("username", "password", "tenant", "roles");
      assertThat(problem.encode()).contains("must be a string", "is required", "must be an array of strings");
      test.completeNow();
    })));
  }

  @Test
  void unknownFieldsAre400(VertxTestContext test) {
    hub.postJson("/v1.0/tenants", admin, new JsonObject().put("name", "fine").put("nmae", "typo"))
        .onComplete(test.succeeding(response -> test.verify(() -> {
          JsonObject problem = assertProblem(response, 400);
          assertThat(problem.getJsonArray("invalid-params").getJsonObject(0).getString("name")).isEqualTo("nmae");
          test.completeNow();
        })));
  }

  @Test
  void unknownRouteIs404WithOrWithoutAToken(VertxTestContext test) {
    Future.all(hub.client().get("/no/such/route").send(), hub.get("/v1.0/no-such-thing", admin))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          assertProblem(all.resultAt(0), 404);
          assertProblem(all.resultAt(1), 404);
          test.completeNow();
        })));
  }

  @Test
  void wrongMethodIs405(VertxTestContext test) {
    Future.all(
            hub.client().delete("/auth/login").send(),
            hub.client().request(HttpMethod.PUT, "/v1.0/tenants").bearerTokenAuthentication(admin)
                .sendJsonObject(new JsonObject().put("name", "x")),
            hub.client().post("/health/ready").send())
        .onComplete(test.succeeding(all -> test.verify(() -> {
          for (int i = 0; i < 3; i++) {
            assertProblem(all.resultAt(i), 405);
          }
          test.completeNow();
        })));
  }

  @Test
  void bodyOverTheDefaultMebibyteIs413(VertxTestContext test) {
    String big = "{\"name\":\"" + "a".repeat((int) HttpApiVerticle.DEFAULT_BODY_LIMIT) + "\"}";
    raw(hub, HttpMethod.POST, "/v1.0/tenants", "application/json", big)
        .compose(tooBig -> {
          test.verify(() -> assertProblem(tooBig, 413));
          return hub.get("/v1.0/tenants", admin);
        })
        .onComplete(test.succeeding(tenants -> test.verify(() -> {
          assertThat(tenants.bodyAsJsonObject().getJsonArray("items")).hasSize(1);
          test.completeNow();
        })));
  }

  @Test
  void bodyLimitIsConfigurable(VertxTestContext test) {
    String justOver = "{\"username\":\"" + "a".repeat(SMALL_LIMIT) + "\",\"password\":\"x\"}";
    // Fields at their longest (1,024 characters each) fit well under the limit and reach the login check.
    String under = "{\"username\":\"" + "n".repeat(1024) + "\",\"password\":\"" + "b".repeat(1024) + "\"}";
    Future.all(raw(smallLimitHub, HttpMethod.POST, "/auth/login", "application/json", justOver),
            raw(smallLimitHub, HttpMethod.POST, "/auth/login", "application/json", under))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          JsonObject problem = assertProblem(all.resultAt(0), 413);
          assertThat(problem.getString("detail")).contains(Integer.toString(SMALL_LIMIT));
          assertProblem(all.resultAt(1), 401);
          test.completeNow();
        })));
  }

  @Test
  void nonJsonContentTypeIs415(VertxTestContext test) {
    Future.all(
            raw(hub, HttpMethod.POST, "/v1.0/tenants", "text/plain", "{\"name\":\"x\"}"),
            raw(hub, HttpMethod.POST, "/auth/login", "application/x-www-form-urlencoded", "username=a&password=b"),
            raw(hub, HttpMethod.POST, "/v1.0/users", null, "{}"))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          for (int i = 0; i < 3; i++) {
            JsonObject problem = assertProblem(all.resultAt(i), 415);
            assertThat(problem.getJsonArray("invalid-params").getJsonObject(0).getString("name"))
                .isEqualTo("Content-Type");
          }
          test.completeNow();
        })));
  }

  @Test
  void theEventSocketWithoutAnUpgradeIs400(VertxTestContext test) {
    hub.get("/v1.0/events/ws", admin).onComplete(test.succeeding(response -> test.verify(() -> {
      JsonObject problem = assertProblem(response, 400);
      assertThat(problem.getJsonArray("invalid-params").getJsonObject(0).getString("name")).isEqualTo("Upgrade");
      test.completeNow();
    })));
  }

  @Test
  void callerSuppliedRequestIdIsEchoed(VertxTestContext test) {
    hub.client().get("/nowhere").putHeader("X-Request-Id", "trace-123").send()
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertThat(assertProblem(response, 404).getString("requestId")).isEqualTo("trace-123");
          test.completeNow();
        })));
  }

  private static Future<HttpResponse<Buffer>> raw(TestHub target, HttpMethod method, String path, String contentType,
      String body) {
    HttpRequest<Buffer> request = target.client().request(method, path).bearerTokenAuthentication(admin);
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    return request.sendBuffer(Buffer.buffer(body));
  }

  /** Asserts the RFC 9457 shape, no leaked internals, and returns the problem. */
  static JsonObject assertProblem(HttpResponse<?> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo(Problem.CONTENT_TYPE);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    assertThat(problem.getString("requestId")).isEqualTo(response.getHeader(RequestIds.HEADER));
    for (String leak : List.of("Exception", "\tat ", "io.vertx", "io.rainhub")) {
      assertThat(problem.encode()).doesNotContain(leak);
    }
    return problem;
  }
}
