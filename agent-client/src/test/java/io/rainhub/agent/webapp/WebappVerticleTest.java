package io.rainhub.agent.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Without its database the webapp listens and answers 503 problems instead of failing. */
@ExtendWith(VertxExtension.class)
class WebappVerticleTest {

  private record Answer(int status, String contentType, String body) {}

  @Test
  void withoutItsDatabaseItServesProblemsAndKeepsRunning(Vertx vertx) throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort(); // nothing listens there once closed
    }
    WebappVerticle webapp = new WebappVerticle(new WebappOptions("n1", "127.0.0.1", 0, "127.0.0.1", closedPort, "app",
        "postgres"));
    vertx.deployVerticle(webapp).await();
    HttpClient client = vertx.createHttpClient();

    for (String path : new String[] {"/", "/health", "/"}) {
      Answer answer = send(client, HttpMethod.GET, webapp.actualPort(), path).await();
      assertThat(answer.status()).as(path).isEqualTo(503);
      assertThat(answer.contentType()).isEqualTo("application/problem+json");
      JsonObject problem = new JsonObject(answer.body());
      assertThat(problem.getInteger("status")).isEqualTo(503);
      assertThat(problem.getString("detail")).contains("database");
    }
    assertThat(send(client, HttpMethod.GET, webapp.actualPort(), "/nope").await().status()).isEqualTo(404);
    assertThat(send(client, HttpMethod.POST, webapp.actualPort(), "/").await().status()).isEqualTo(405);
  }

  /** The whole answer, read in one chain: the body must be asked for before it has all arrived. */
  private static Future<Answer> send(HttpClient client, HttpMethod method, int port, String path) {
    return client.request(method, port, "127.0.0.1", path)
        .compose(request -> request.send())
        .compose(response -> response.body()
            .map(body -> new Answer(response.statusCode(), response.getHeader("Content-Type"), body.toString())));
  }
}
