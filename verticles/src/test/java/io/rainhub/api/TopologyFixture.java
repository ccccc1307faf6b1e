package io.rainhub.api;

import static io.rainhub.testing.TestHub.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.TestDatabase;
import io.rainhub.testing.TestHub;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the topology API contract needs around a hub: a recipes directory (db/1.0 exporting ip and
 * port, app/1.0), an "agent jar" that is no jar (a spawned node never says hello, so its job stays
 * RUNNING), topology documents, and HTTP helpers.
 */
final class TopologyFixture {

  static final String ZONE = "zone-1";

  private TopologyFixture() {
  }

  /** Writes the recipes and the fake jar under {@code dir}; returns the hub's workflow config for {@code database}. */
  static JsonObject workflowConfig(Path dir, TestDatabase database) {
    write(dir.resolve("recipes/db/1.0/recipe.json"), new JsonObject().put("type", "db").put("version", "1.0")
        .put("exports", new JsonObject().put("ip", "127.0.0.1").put("port", 5432)).encodePrettily());
    write(dir.resolve("recipes/app/1.0/recipe.json"), new JsonObject().put("type", "app").put("version", "1.0")
        .put("exports", new JsonObject().put("ip", "127.0.0.1").putNull("port"))
        .put("settings", new JsonObject().put("greeting", "hi")).encodePrettily());
    // `java -jar` on this exits at once: the node's agent never comes, verify-spawn waits (120 s).
    write(dir.resolve("not-a-jar.jar"), "this is not a jar\n");
    return new JsonObject().put("recipesDir", dir.resolve("recipes").toString())
        .put("agentJar", dir.resolve("not-a-jar.jar").toString())
        .put("localDir", database.dataDir().resolve("topologies").toString());
  }

  static TestHub hubWith(TestDatabase database, JsonObject workflow) {
    return TestHub.start(database, new JsonObject(), new JsonObject(), new JsonObject(), workflow);
  }

  /** db and app, both of size 0: the create job has only empty stages and succeeds at once. */
  static JsonObject empty(String name) {
    return new JsonObject().put("name", name).put("availability_zone", ZONE).put("components", new JsonArray()
        .add(component("db", "db", 0))
        .add(component("app", "app", 0).put("depends_on", "db")
            .put("imports", new JsonArray().add(new JsonObject().put("component", "db")
                .put("vars", new JsonArray().add("ip").add("port"))))));
  }

  /** One local node whose agent never comes: the create job stays RUNNING in verify-spawn. */
  static JsonObject stuck(String name) {
    return new JsonObject().put("name", name).put("availability_zone", ZONE).put("target", "local")
        .put("components", new JsonArray().add(component("db", "db", 1)));
  }

  static JsonObject component(String name, String type, int size) {
    return new JsonObject().put("name", name).put("type", type).put("version", "1.0").put("size", size);
  }

  static HttpResponse<Buffer> send(TestHub hub, HttpMethod method, String path, String token, JsonObject body) {
    HttpRequest<Buffer> request = hub.client().request(method, path).bearerTokenAuthentication(token);
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  static JsonObject ok(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  /** A problem+json answer of {@code status}; returns its {@code invalid-params[].name}. */
  static List<String> problem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    JsonArray params = response.bodyAsJsonObject().getJsonArray("invalid-params", new JsonArray());
    return params.stream().map(p -> ((JsonObject) p).getString("name")).toList();
  }

  /** The reasons of a problem's invalid-params. */
  static List<String> reasons(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonArray("invalid-params", new JsonArray()).stream()
        .map(p -> ((JsonObject) p).getString("reason")).toList();
  }

  static List<String> ids(JsonObject page) {
    return page.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("id")).toList();
  }

  /** The job once it ended (the engine's own wait), failing if it did not within 10 s. */
  static JsonObject ended(TestHub hub, String token, String jobId) {
    JsonObject job = ok(send(hub, HttpMethod.GET, "/v1.0/jobs/" + jobId + "?wait=10s", token, null), 200);
    assertThat(job.getString("state")).as(job.encodePrettily()).isIn("SUCCEEDED", "FAILED", "CANCELLED");
    return job;
  }

  /** Polls the job until {@code wanted} holds (15 s at most). */
  static JsonObject jobWhen(TestHub hub, String token, String jobId, Predicate<JsonObject> wanted)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (true) {
      JsonObject job = ok(send(hub, HttpMethod.GET, "/v1.0/jobs/" + jobId, token, null), 200);
      if (wanted.test(job) || System.currentTimeMillis() > deadline) {
        assertThat(wanted).as("awaited state of job %s", job.encodePrettily()).accepts(job);
        return job;
      }
      Thread.sleep(100);
    }
  }

  /** The only task of the stage {@code stage} of the job's first workflow. */
  static JsonObject task(JsonObject job, String stage) {
    return job.getJsonArray("workflows").getJsonObject(0).getJsonArray("stages").stream()
        .map(JsonObject.class::cast).filter(s -> s.getString("name").equals(stage)).findFirst().orElseThrow()
        .getJsonArray("tasks").getJsonObject(0);
  }

  /** The node of a stuck topology waits for its agent: the job is RUNNING and will stay so. */
  static boolean waitingForAgent(JsonObject job) {
    return "RUNNING".equals(job.getString("state")) && "WAITING".equals(task(job, "verify-spawn").getString("state"));
  }

  /** Processes of this machine whose command line names {@code path} (a topology's local directory). */
  static List<ProcessHandle> processesNaming(Path path) {
    String named = path.toAbsolutePath().toString();
    return ProcessHandle.allProcesses().filter(process -> process.info().arguments().map(Arrays::asList)
        .map(args -> args.stream().anyMatch(arg -> arg.contains(named))).orElse(false)).toList();
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
