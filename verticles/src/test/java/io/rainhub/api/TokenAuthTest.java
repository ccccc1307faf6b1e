package io.rainhub.api;

import static io.rainhub.testing.HandMadeTokens.b64;
import static io.rainhub.testing.HandMadeTokens.hs256;
import static io.rainhub.testing.HandMadeTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.SqlDialect;
import io.rainhub.testing.HandMadeTokens;
import io.rainhub.testing.TestHub;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who gets past the hub's token check: only HS256 JWTs signed with the hub's own key, unexpired,
 * for issuer {@code rainhub} and audience {@code rainhub-api}. Every refusal is a problem document.
 * One hub (H2) serves the whole class, so each test uses its own tenant and user names.
 */
@ExtendWith(VertxExtension.class)
class TokenAuthTest {

  private static final String WHOAMI = "/v1.0/whoami";
  private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

  private static TestHub hub;
  /** The hub's real signing secret, as stored in hub_settings: used as the HMAC key string as-is. */
  private static String hubSecret;

  @BeforeAll
  static void startHub() throws Exception {
    hub = TestHub.start(SqlDialect.H2);
    hubSecret = HandMadeTokens.hubSecret(hub);
    assertThat(hubSecret).isNotBlank();
  }

  @AfterAll
  static void stopHub() {
    if (hub != null) {
      hub.close();
    }
  }

  // ---------------------------------------------------------------- missing and valid tokens

  @Test
  void noTokenIsUnauthorized(VertxTestContext testContext) {
    hub.client().get(WHOAMI).send().onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertProblem(response, 401);
      testContext.completeNow();
    })));
  }

  @Test
  void adminTokenWorksAsBearerAndAsUserHeader(VertxTestContext testContext) {
    hub.adminToken()
        .compose(token -> hub.get(WHOAMI, token).compose(bearer -> {
          testContext.verify(() -> assertWhoAmI(bearer, "admin", "system", "admin"));
          return hub.client().get(WHOAMI).putHeader("user", token).send();
        }))
        .onComplete(testContext.succeeding(viaUserHeader -> testContext.verify(() -> {
          assertWhoAmI(viaUserHeader, "admin", "system", "admin");
          testContext.completeNow();
        })));
  }

  /** Control for the forgery tests below: a hand-built token with the real key and good claims passes. */
  @Test
  void handBuiltTokenSignedWithHubKeyIsAccepted(VertxTestContext testContext) {
    long now = Instant.now().getEpochSecond();
    String token = hs256(hubSecret, claims(HttpApiVerticle.ISSUER, HttpApiVerticle.AUDIENCE, now - 10, now + 600));
    hub.get(WHOAMI, token).onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertWhoAmI(response, "admin", "system", "admin");
      testContext.completeNow();
    })));
  }

  // ---------------------------------------------------------------- bad signatures

  @Test
  void tokenSignedWithAnotherSecretIsUnauthorized(VertxTestContext testContext) {
    byte[] other = new byte[32];
    new SecureRandom().nextBytes(other);
    JWTAuth forger = JWTAuth.create(hub.vertx(), new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(Base64.getEncoder().encodeToString(other))));
    String forged = forger.generateToken(
        new JsonObject().put("sub", UUID.randomUUID().toString()).put("username", "admin").put("tenant", "system")
            .put("roles", new JsonArray().add("admin")),
        new JWTOptions().setAlgorithm("HS256").setIssuer(HttpApiVerticle.ISSUER)
            .setAudience(List.of(HttpApiVerticle.AUDIENCE)).setExpiresInSeconds(600));
    hub.get(WHOAMI, forged).onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertProblem(response, 401);
      testContext.completeNow();
    })));
  }

  @Test
  void tamperedPayloadIsUnauthorized(VertxTestContext testContext) {
    hub.adminToken()
        .compose(token -> {
          String[] parts = token.split("\\.");
          JsonObject payload = new JsonObject(new String(B64URL_DECODER.decode(parts[1]), StandardCharsets.UTF_8));
          testContext.verify(() -> assertThat(payload.getString("username")).isEqualTo("admin"));
          payload.put("tenant", "someone-elses").put("roles", new JsonArray().add("admin").add("user"));
          String tampered = parts[0] + "." + b64(payload.encode()) + "." + parts[2];
          return hub.get(WHOAMI, tampered);
        })
        .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
          assertProblem(response, 401);
          testContext.completeNow();
        })));
  }

  // ---------------------------------------------------------------- bad claims, real key

  @Test
  void expiredTokenIsUnauthorized(VertxTestContext testContext) {
    long issued = Instant.now().minusSeconds(2 * 3600).getEpochSecond();
    String token = hs256(hubSecret, claims(HttpApiVerticle.ISSUER, HttpApiVerticle.AUDIENCE, issued, issued + 600));
    hub.get(WHOAMI, token).onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertProblem(response, 401);
      testContext.completeNow();
    })));
  }

  @Test
  void wrongIssuerIsUnauthorized(VertxTestContext testContext) {
    long now = Instant.now().getEpochSecond();
    String token = hs256(hubSecret, claims("someone-else", HttpApiVerticle.AUDIENCE, now - 10, now + 600));
    hub.get(WHOAMI, token).onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertProblem(response, 401);
      testContext.completeNow();
    })));
  }

  @Test
  void wrongAudienceIsUnauthorized(VertxTestContext testContext) {
    long now = Instant.now().getEpochSecond();
    String token = hs256(hubSecret, claims(HttpApiVerticle.ISSUER, "someone-elses-api", now - 10, now + 600));
    hub.get(WHOAMI, token).onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertProblem(response, 401);
      testContext.completeNow();
    })));
  }

  // ---------------------------------------------------------------- algorithm confusion

  @Test
  void algNoneIsUnauthorized(VertxTestContext testContext) {
    long now = Instant.now().getEpochSecond();
    String token = b64(new JsonObject().put("alg", "none").put("typ", "JWT").encode()) + "."
        + b64(claims(HttpApiVerticle.ISSUER, HttpApiVerticle.AUDIENCE, now - 10, now + 600).encode()) + ".";
    hub.get(WHOAMI, token).onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertProblem(response, 401);
      testContext.completeNow();
    })));
  }

  @Test
  void hs512WithHubKeyIsUnauthorized(VertxTestContext testContext) {
    long now = Instant.now().getEpochSecond();
    String token = sign("HS512", "HmacSHA512", hubSecret,
        claims(HttpApiVerticle.ISSUER, HttpApiVerticle.AUDIENCE, now - 10, now + 600));
    hub.get(WHOAMI, token).onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertProblem(response, 401);
      testContext.completeNow();
    })));
  }

  // ---------------------------------------------------------------- roles

  @Test
  void userRoleIsForbiddenFromAdminRoutesButKnowsItself(VertxTestContext testContext) {
    String suffix = unique();
    String tenant = "acme-" + suffix;
    String username = "user-" + suffix;
    String password = "a-long-enough-password-" + suffix;
    createUser(tenant, username, password, "user")
        .compose(created -> hub.login(username, password))
        .compose(token -> hub.postJson("/v1.0/users", token, new JsonObject().put("username", "x-" + suffix)
            .put("password", password).put("tenant", tenant).put("roles", new JsonArray().add("admin")))
            .compose(refused -> {
              testContext.verify(() -> assertThat(assertProblem(refused, 403).getString("detail")).contains("admins"));
              return hub.get("/v1.0/users", token);
            })
            .compose(users -> {
              // Users read the users of their own tenant: here only themselves, not the admin.
              testContext.verify(() -> {
                assertThat(users.statusCode()).isEqualTo(200);
                assertThat(users.bodyAsJsonObject().getJsonArray("items").stream()
                    .map(u -> ((JsonObject) u).getString("username")).toList()).containsExactly(username);
              });
              return hub.get(WHOAMI, token);
            }))
        .onComplete(testContext.succeeding(whoami -> testContext.verify(() -> {
          assertWhoAmI(whoami, username, tenant, "user");
          testContext.completeNow();
        })));
  }

  // ---------------------------------------------------------------- login

  @Test
  void badLoginsAreUnauthorizedAndIndistinguishable(VertxTestContext testContext) {
    String suffix = unique();
    String username = "login-" + suffix;
    String password = "the-right-password-" + suffix;
    createUser("tenant-" + suffix, username, password, "user")
        .compose(created -> login(username, "the-wrong-password"))
        .compose(wrongPassword -> login("nobody-" + suffix, "the-wrong-password").map(unknown -> {
          testContext.verify(() -> {
            JsonObject wrong = assertProblem(wrongPassword, 401);
            JsonObject none = assertProblem(unknown, 401);
            assertThat(none.getString("detail")).isEqualTo(wrong.getString("detail"));
            assertThat(none.getString("title")).isEqualTo(wrong.getString("title"));
          });
          return unknown;
        }))
        .onComplete(testContext.succeeding(done -> testContext.completeNow()));
  }

  // ---------------------------------------------------------------- helpers

  /** Status, problem media type, the problem fields and the request id in header and body. */
  private static JsonObject assertProblem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as("status; body: %s", response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).as("Content-Type").isNotNull();
    assertThat(response.getHeader("Content-Type").split(";")[0].trim()).isEqualTo("application/problem+json");
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getInteger("status")).isEqualTo(status);
    assertThat(body.getString("title")).isNotBlank();
    assertThat(body.getString("detail")).isNotBlank();
    assertThat(body.getString("requestId")).isNotBlank();
    assertThat(response.getHeader("X-Request-Id")).isEqualTo(body.getString("requestId"));
    return body;
  }

  private static void assertWhoAmI(HttpResponse<Buffer> response, String username, String tenant, String role) {
    assertThat(response.statusCode()).as("status; body: %s", response.bodyAsString()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("username")).isEqualTo(username);
    assertThat(body.getString("tenant")).isEqualTo(tenant);
    assertThat(body.getJsonArray("roles").getList()).containsExactly(role);
  }

  private static Future<HttpResponse<Buffer>> login(String username, String password) {
    return hub.client().post("/auth/login")
        .sendJsonObject(new JsonObject().put("username", username).put("password", password));
  }

  /** Creates the tenant, then the user in it, as admin; fails unless both answer 201. */
  private static Future<Void> createUser(String tenant, String username, String password, String role) {
    return hub.adminToken().compose(admin -> hub.postJson("/v1.0/tenants", admin, new JsonObject().put("name", tenant))
        .compose(created -> expect201("tenant", created)
            .compose(ok -> hub.postJson("/v1.0/users", admin, new JsonObject()
                .put("username", username).put("password", password).put("tenant", tenant)
                .put("roles", new JsonArray().add(role)))))
        .compose(created -> expect201("user", created)));
  }

  private static Future<Void> expect201(String what, HttpResponse<Buffer> response) {
    return response.statusCode() == 201 ? Future.succeededFuture()
        : Future.failedFuture(new AssertionError("creating the " + what + " got " + response.statusCode() + ": "
            + response.bodyAsString()));
  }

  private static String unique() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  /** The claims the hub puts in its own tokens, with the given iss, aud, iat and exp. */
  private static JsonObject claims(String issuer, String audience, long issuedAt, long expiresAt) {
    return new JsonObject()
        .put("sub", UUID.randomUUID().toString())
        .put("username", "admin")
        .put("tenant", "system")
        .put("roles", new JsonArray().add("admin"))
        .put("iss", issuer)
        .put("aud", new JsonArray().add(audience))
        .put("iat", issuedAt)
        .put("exp", expiresAt);
  }
}
