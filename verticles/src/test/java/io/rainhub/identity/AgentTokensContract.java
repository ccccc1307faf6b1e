package io.rainhub.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.SqlDialect;
import io.rainhub.testing.HubContract;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Admins issue, list and revoke agent tokens; agent tokens cannot use the people's API. */
abstract class AgentTokensContract extends HubContract {


  @Test
  void anAdminIssuesAnAgentTokenThatIsListedWithoutItsValueAndCanBeRevoked(VertxTestContext test) {
    String name = IdentityApiContract.unique("node");
    hub.postJson("/v1.0/agent-tokens", admin, new JsonObject().put("name", name).put("ttlDays", 30))
        .compose(created -> {
          JsonObject body = created.bodyAsJsonObject();
          test.verify(() -> {
            assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
            assertThat(created.getHeader("Location")).isEqualTo("/v1.0/agent-tokens/" + body.getString("id"));
            assertThat(body.getString("name")).isEqualTo(name);
            assertThat(body.getString("createdBy")).isEqualTo("admin");
            assertThat(body.getString("revokedAt")).isNull();
            JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder()
                .decode(body.getString("token").split("\\.")[1])));
            assertThat(claims.getJsonArray("roles")).containsExactly("agent");
            assertThat(claims.getString("jti")).isEqualTo(body.getString("id"));
            long days = (claims.getLong("exp") - claims.getLong("iat")) / 86_400;
            assertThat(days).isBetween(29L, 30L);
          });
          return hub.get("/v1.0/agent-tokens", admin).map(list -> {
            test.verify(() -> {
              assertThat(list.bodyAsString()).contains(body.getString("id")).doesNotContain(body.getString("token"));
            });
            return body.getString("id");
          });
        })
        .compose(id -> hub.client().delete("/v1.0/agent-tokens/" + id).bearerTokenAuthentication(admin).send()
            .compose(revoked -> {
              test.verify(() -> {
                assertThat(revoked.statusCode()).isEqualTo(200);
                assertThat(revoked.bodyAsJsonObject().getString("revokedAt")).isNotNull();
              });
              return hub.client().delete("/v1.0/agent-tokens/" + id).bearerTokenAuthentication(admin).send()
                  .map(again -> {
                    test.verify(() -> {
                      assertThat(again.statusCode()).as("revoking twice changes nothing").isEqualTo(200);
                      assertThat(again.bodyAsJsonObject().getString("revokedAt"))
                          .isEqualTo(revoked.bodyAsJsonObject().getString("revokedAt"));
                    });
                    return again;
                  });
            }))
        .compose(done -> hub.client().delete("/v1.0/agent-tokens/no-such-token").bearerTokenAuthentication(admin).send())
        .onComplete(test.succeeding(unknown -> test.verify(() -> {
          IdentityApiContract.assertStatusProblem(unknown, 404);
          test.completeNow();
        })));
  }

  /** A field sent as null counts as absent: the default applies instead of a server error. */
  @Test
  void nullOptionalFieldsTakeTheirDefaults(VertxTestContext test) {
    hub.postJson("/v1.0/agent-tokens", admin, new JsonObject().put("name", IdentityApiContract.unique("nulls"))
            .putNull("ttlDays"))
        .compose(token -> hub.postJson("/mothership/", admin, new JsonObject().put("name", "m").put("address", "m:1")
            .put("capacity", new JsonObject().put("cpu", 1).put("ramMb", 1).put("bandwidthMbps", 1))
            .putNull("labels").putNull("ttlSeconds")).map(mothership -> {
              test.verify(() -> {
                assertThat(token.statusCode()).as(token.bodyAsString()).isEqualTo(201);
                JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder()
                    .decode(token.bodyAsJsonObject().getString("token").split("\\.")[1])));
                assertThat((claims.getLong("exp") - claims.getLong("iat")) / 86_400).isBetween(364L, 365L);
                assertThat(mothership.statusCode()).as(mothership.bodyAsString()).isEqualTo(201);
                assertThat(mothership.bodyAsJsonObject().getJsonObject("labels")).isEmpty();
              });
              return mothership;
            }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  void agentTokensAreRefusedOnThePeoplesApi(VertxTestContext test) {
    hub.postJson("/v1.0/agent-tokens", admin, new JsonObject().put("name", IdentityApiContract.unique("edge")))
        .map(created -> created.bodyAsJsonObject().getString("token"))
        .compose(agent -> Future.all(hub.get("/v1.0/whoami", agent), hub.get("/mothership/all", agent),
            hub.get("/v1.0/agent-tokens", agent)))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          for (int i = 0; i < 3; i++) {
            IdentityApiContract.assertStatusProblem(all.resultAt(i), 403);
          }
          test.completeNow();
        })));
  }

  @Test
  void onlyAdminsIssueTokensAndBadRequestsNameTheField(VertxTestContext test) {
    String tenant = IdentityApiContract.unique("agents");
    String username = IdentityApiContract.unique("operator");
    hub.postJson("/v1.0/tenants", admin, new JsonObject().put("name", tenant))
        .compose(ok -> hub.postJson("/v1.0/users", admin, IdentityApiContract.user(username, tenant, "user")))
        .compose(ok -> hub.login(username, "correct horse battery"))
        .compose(user -> Future.all(
            hub.postJson("/v1.0/agent-tokens", user, new JsonObject().put("name", "n")),
            hub.postJson("/v1.0/agent-tokens", admin, new JsonObject().put("name", "n").put("ttlDays", 0)),
            hub.postJson("/v1.0/agent-tokens", admin, new JsonObject().put("ttlDays", 5).put("extra", true))))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          IdentityApiContract.assertStatusProblem(all.resultAt(0), 403);
          IdentityApiContract.assertProblem(all.resultAt(1), 400, "ttlDays");
          IdentityApiContract.assertProblem(all.resultAt(2), 400, "name");
          IdentityApiContract.assertProblem(all.resultAt(2), 400, "extra");
          test.completeNow();
        })));
  }
}
