package io.rainhub.api;

import static io.rainhub.testing.TestHub.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.HubContract;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A client that retries a mutating request (its answer lost to a timeout) with the same
 * Idempotency-Key, or the same X-Request-Id, gets the first answer and no second record.
 */
abstract class IdempotencyContract extends HubContract {

  @Test
  void aRetryWithTheSameIdempotencyKeyGetsTheFirstAnswerAndNoSecondRecord() {
    String name = "idem-" + UUID.randomUUID().toString().substring(0, 8);
    String key = "register-" + name;
    HttpResponse<Buffer> first = post("/mothership/", mothership(name), "Idempotency-Key", key);
    HttpResponse<Buffer> again = post("/mothership/", mothership(name), "Idempotency-Key", key);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(201);
    assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(first.bodyAsJsonObject().getString("id"));
    assertThat(countNamed(name)).isOne();

    HttpResponse<Buffer> other = post("/mothership/", mothership(name + "-other"), "Idempotency-Key", key);
    assertThat(other.statusCode()).as(other.bodyAsString()).isEqualTo(422);
    assertThat(other.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(other.bodyAsJsonObject().getJsonArray("invalid-params").getJsonObject(0).getString("name"))
        .isEqualTo("Idempotency-Key");
    assertThat(countNamed(name + "-other")).isZero();
  }

  @Test
  void aRepeatedRequestIdInstantiatesOnce() {
    String component = "idem-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(post("/mothership/", mothership(component + "-host"), null, null).statusCode()).isEqualTo(201);
    assertThat(post("/webcomponent/", new JsonObject().put("id", component).put("version", "1")
        .put("urls", new JsonArray().add("/" + component + "/*"))
        .put("resources", new JsonObject().put("cpu", 0.5).put("ramMb", 64).put("bandwidthMbps", 1)), null, null)
        .statusCode()).isEqualTo(201);
    String requestId = "retry-" + component;
    HttpResponse<Buffer> first = post("/webcomponent/" + component + "/1", null, "X-Request-Id", requestId);
    HttpResponse<Buffer> again = post("/webcomponent/" + component + "/1", null, "X-Request-Id", requestId);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    assertThat(again.bodyAsJsonObject().getString("instanceId")).isEqualTo(first.bodyAsJsonObject()
        .getString("instanceId"));
    JsonObject statistics = await(hub.get("/webcomponent/" + component + "/1/statistics", admin)).bodyAsJsonObject();
    assertThat(statistics.getInteger("instances")).isOne();
  }

  @Test
  void aMalformedIdempotencyKeyIsRefusedAndChangesNothing() {
    String name = "idem-bad-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<Buffer> refused = post("/mothership/", mothership(name), "Idempotency-Key", "has spaces in it");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getJsonArray("invalid-params").getJsonObject(0).getString("name"))
        .isEqualTo("Idempotency-Key");
    assertThat(countNamed(name)).isZero();
  }

  private HttpResponse<Buffer> post(String path, JsonObject body, String header, String value) {
    var request = hub.client().post(path).bearerTokenAuthentication(admin);
    if (header != null) {
      request.putHeader(header, value);
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  private long countNamed(String name) {
    return await(hub.get("/mothership/all", admin)).bodyAsJsonObject().getJsonArray("items").stream()
        .filter(item -> name.equals(((JsonObject) item).getString("name"))).count();
  }

  private static JsonObject mothership(String name) {
    return new JsonObject().put("name", name).put("address", name + ":1")
        .put("capacity", new JsonObject().put("cpu", 4).put("ramMb", 1024).put("bandwidthMbps", 10));
  }
}
