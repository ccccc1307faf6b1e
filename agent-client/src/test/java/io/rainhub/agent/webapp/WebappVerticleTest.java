package io.rainhub.agent.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Without its database the webapp listens and answers 503 problems instead of failing. */
@ExtendWith(VertxExtension.class)
class WebappVerticleTest {

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
      HttpClientResponse response = client.request(HttpMethod.GET, webapp.actualPort(), "127.0.0.1", path)
          .compose(request -> request.send()).await();
      JsonObject problem = response.body().await().toJsonObject();
      assertThat(response.statusCode()).as(path).isEqualTo(503);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
      assertThat(problem.getInteger("status")).isEqualTo(503);
      assertThat(problem.getString("detail")).contains("database");
    }
    HttpClientResponse missing = client.request(HttpMethod.GET, webapp.actualPort(), "127.0.0.1", "/nope")
        .compose(request -> request.send()).await();
    assertThat(missing.statusCode()).isEqualTo(404);
    HttpClientResponse post = client.request(HttpMethod.POST, webapp.actualPort(), "127.0.0.1", "/")
        .compose(request -> request.send()).await();
    assertThat(post.statusCode()).isEqualTo(405);
  }
}
