package io.rainhub.hypervisor;

import static io.rainhub.testing.TestHub.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.HubContract;
import io.rainhub.testing.TestAgent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Node and instance lifecycle over real HTTP and real agent WebSockets, on a real database: deleting
 * nodes, draining that moves instances, unique names, a FAILED instance's reason and its restart,
 * progress from agents' step reports, and versions recorded only once the agent confirms them. One
 * hub serves the class; every test works in its own pool (a label) with its own names.
 */
abstract class LifecycleContract extends HubContract {

  private String agentToken;

  @Override
  protected JsonObject hypervisorConfig() {
    return new JsonObject().put("heartbeatIntervalMs", 200L).put("agentTtlMs", 600L);
  }

  @Test
  void aRestMothershipIsDeletedItsInstanceMovesAndItsNameIsFreeAgain() {
    String pool = unique("pool");
    String nameA = unique("ms");
    String a = created(post("/mothership/", mothership(nameA, pool))).getString("id");
    String b = created(post("/mothership/", mothership(unique("ms"), pool))).getString("id");
    String component = deploy(pool, "1.0");
    JsonObject instance = created(post("/webcomponent/" + component + "/1.0", null));
    String host = instance.getString("mothershipId");
    long mark = eventMark();

    JsonObject deleted = json(call(HttpMethod.DELETE, "/mothership/" + host, null), 200);

    assertThat(deleted.getString("state")).isEqualTo("REMOVED");
    assertThat(deleted.getJsonArray("releasedInstances")).containsExactly(instance.getString("instanceId"));
    problem(call(HttpMethod.GET, "/mothership/" + host, null), 404);
    problem(call(HttpMethod.DELETE, "/mothership/" + host, null), 404);
    JsonObject moved = getJson("/webcomponent/" + instance.getString("instanceId"));
    assertThat(moved.getJsonArray("placements").getJsonObject(0).getString("mothershipId"))
        .isEqualTo(host.equals(a) ? b : a);
    assertThat(types(events(mark))).containsSubsequence("mothership.removed", "instance.rescheduled");
    if (host.equals(a)) {
      assertThat(post("/mothership/", mothership(nameA, pool)).statusCode()).as("the name is free").isEqualTo(201);
    }
  }

  @Test
  void aTakenNameIsRefusedWith409NamingTheField() {
    String name = unique("dup");
    created(post("/mothership/", mothership(name, unique("pool"))));
    created(post("/rainservers/", new JsonObject().put("name", name).put("address", "10.0.0.1:80")
        .put("urls", new JsonArray().add("/" + name + "/*"))));

    JsonObject taken = problem(post("/mothership/", mothership(name, unique("pool"))), 409);
    assertThat(invalidNames(taken)).containsExactly("name");
    JsonObject serverTaken = problem(post("/rainservers/", new JsonObject().put("name", name)
        .put("address", "10.0.0.2:80").put("urls", new JsonArray().add("/x/*"))), 409);
    assertThat(invalidNames(serverTaken)).containsExactly("name");
  }

  @Test
  void anAgentMothershipIsDeletedOnlyOnceDrainedAndDrainingMovesItsInstances() {
    String pool = unique("pool");
    try (TestAgent a = agent(unique("ms"), pool); TestAgent b = agent(unique("ms"), pool)) {
      String component = deploy(pool, "1.0");
      // Both on a: b joins the pool only after (b is draining meanwhile, so it takes nothing).
      json(call(HttpMethod.PUT, "/v1.0/motherships/" + b.nodeId() + "/drain", new JsonObject().put("draining", true)), 200);
      String first = created(post("/webcomponent/" + component + "/1.0", null)).getString("instanceId");
      String second = created(post("/webcomponent/" + component + "/1.0", null)).getString("instanceId");
      a.result(a.expectCommand("instantiate"), "succeeded");
      a.result(a.expectCommand("instantiate"), "succeeded");
      json(call(HttpMethod.PUT, "/v1.0/motherships/" + b.nodeId() + "/drain", new JsonObject().put("draining", false)), 200);

      JsonObject refused = problem(call(HttpMethod.DELETE, "/mothership/" + a.nodeId(), null), 409);
      assertThat(refused.getString("detail")).contains("drain it first or stop its agent");

      JsonObject drained = json(call(HttpMethod.PUT, "/v1.0/motherships/" + a.nodeId() + "/drain",
          new JsonObject().put("draining", true)), 200);
      assertThat(drained.getInteger("moved")).isEqualTo(2);
      assertThat(drained.getInteger("stayed")).isZero();
      b.result(b.expectCommand("instantiate"), "succeeded");
      b.result(b.expectCommand("instantiate"), "succeeded");
      a.result(a.expectCommand("stop"), "succeeded");
      a.result(a.expectCommand("stop"), "succeeded");
      for (String instanceId : List.of(first, second)) {
        JsonObject running = awaitJson("/webcomponent/" + instanceId, i -> "RUNNING".equals(i.getString("state")));
        assertThat(running.getJsonArray("placements").getJsonObject(0).getString("mothershipId")).isEqualTo(b.nodeId());
      }

      json(call(HttpMethod.DELETE, "/mothership/" + a.nodeId(), null), 200);
      problem(call(HttpMethod.GET, "/mothership/" + a.nodeId(), null), 404);
      assertThat(getJson("/v1.0/agents").encode()).doesNotContain(a.nodeId());
    }
  }

  @Test
  void aFailedInstanceShowsItsProgressAndReasonAndRestarts() {
    String pool = unique("pool");
    try (TestAgent agent = agent(unique("ms"), pool)) {
      String component = deploy(pool, "1.0");
      String instanceId = created(post("/webcomponent/" + component + "/1.0", null)).getString("instanceId");
      JsonObject start = agent.expectCommand("instantiate");
      problem(call(HttpMethod.POST, "/v1.0/instances/" + instanceId + "/restart", null), 409);
      agent.send(step(instanceId, "install"));
      agent.send(step(instanceId, "configure"));
      awaitJson("/webcomponent/" + instanceId, i -> "configuring".equals(i.getString("progress")));

      agent.result(start, "failed", new JsonArray().add("missing DB_URL").add("configure.sh failed with exit code 1"));

      JsonObject failed = awaitJson("/webcomponent/" + instanceId, i -> "FAILED".equals(i.getString("state")));
      JsonObject failure = failed.getJsonObject("failure");
      assertThat(failure.getString("step")).isEqualTo("configure");
      assertThat(failure.getString("script")).isEqualTo("configure.sh");
      assertThat(failure.getInteger("exitCode")).isEqualTo(1);
      assertThat(failure.getJsonArray("lastLines")).contains("missing DB_URL");
      assertThat(failed.getString("progress")).isNull();

      JsonObject restarted = json(call(HttpMethod.POST, "/v1.0/instances/" + instanceId + "/restart", null), 200);
      assertThat(restarted.getString("state")).isEqualTo("PLACED");
      assertThat(restarted.getValue("failure")).isNull();
      JsonObject again = agent.expectCommand("instantiate");
      assertThat(again.getJsonObject("body").getString("commandId"))
          .isNotEqualTo(start.getJsonObject("body").getString("commandId"));
      agent.result(again, "succeeded");
      awaitJson("/webcomponent/" + instanceId, i -> "RUNNING".equals(i.getString("state")));
      problem(call(HttpMethod.POST, "/v1.0/instances/" + UUID.randomUUID() + "/restart", null), 404);
    }
  }

  @Test
  void aNewVersionIsRecordedOnlyOnceTheAgentConfirmsIt() {
    String pool = unique("pool");
    try (TestAgent agent = agent(unique("ms"), pool)) {
      String component = deploy(pool, "1.0");
      deploy(pool, component, "2.0");
      String instanceId = created(post("/webcomponent/" + component + "/1.0", null)).getString("instanceId");
      agent.result(agent.expectCommand("instantiate"), "succeeded");
      awaitJson("/webcomponent/" + instanceId, i -> "RUNNING".equals(i.getString("state")));
      String path = "/webcomponent/" + instanceId;
      assertThat(invalidNames(problem(call(HttpMethod.PUT, path, new JsonObject().put("version", "bad version")), 400)))
          .containsExactly("version");
      assertThat(invalidNames(problem(call(HttpMethod.PUT, path, new JsonObject().put("version", "9.9")), 404)))
          .containsExactly("version");
      long mark = eventMark();

      JsonObject updating = json(call(HttpMethod.PUT, path, new JsonObject().put("version", "2.0")), 200);

      assertThat(updating.getString("version")).isEqualTo("1.0");
      assertThat(updating.getString("targetVersion")).isEqualTo("2.0");
      JsonObject update = agent.expectCommand("update");
      assertThat(update.getJsonObject("body").getJsonObject("args").getString("version")).isEqualTo("2.0");
      assertThat(getJson(path).getString("version")).as("not before the agent confirms").isEqualTo("1.0");
      agent.result(update, "succeeded");
      JsonObject updated = awaitJson(path, i -> "2.0".equals(i.getString("version")));
      assertThat(updated.getValue("targetVersion")).isNull();
      assertThat(types(events(mark))).containsSubsequence("instance.updating", "instance.updated");
    }
  }

  // ------------------------------------------------------------------ helpers

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObject mothership(String name, String pool) {
    return new JsonObject().put("name", name).put("address", name + ".example:7000")
        .put("capacity", new JsonObject().put("cpu", 4).put("ramMb", 4096).put("bandwidthMbps", 100))
        .put("labels", new JsonObject().put("pool", pool));
  }

  private TestAgent agent(String name, String pool) {
    if (agentToken == null) {
      agentToken = created(post("/v1.0/agent-tokens", new JsonObject().put("name", unique("agent")).put("ttlDays", 1)))
          .getString("token");
    }
    TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken));
    agent.hello(TestAgent.mothershipHello(name, 4, 4096).put("labels", new JsonObject().put("pool", pool)));
    return agent.keepAlive();
  }

  private static JsonObject step(String instanceId, String step) {
    return TestAgent.frame("event", new JsonObject().put("type", "step").put("instanceId", instanceId)
        .put("action", "instantiate").put("step", step));
  }

  private String deploy(String pool, String version) {
    return deploy(pool, unique("comp"), version);
  }

  private String deploy(String pool, String id, String version) {
    created(post("/webcomponent/", new JsonObject().put("id", id).put("version", version)
        .put("urls", new JsonArray().add("/" + id + "/*"))
        .put("resources", new JsonObject().put("cpu", 1).put("ramMb", 128).put("bandwidthMbps", 1))
        .put("labels", new JsonObject().put("pool", pool))));
    return id;
  }

  private HttpResponse<Buffer> post(String path, JsonObject body) {
    return call(HttpMethod.POST, path, body);
  }

  private HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) {
    var request = hub.client().request(method, path).bearerTokenAuthentication(admin);
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  private static JsonObject created(HttpResponse<Buffer> response) {
    return json(response, 201);
  }

  private static JsonObject json(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  private static JsonObject problem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    return response.bodyAsJsonObject();
  }

  private static List<String> invalidNames(JsonObject problem) {
    JsonArray invalid = problem.getJsonArray("invalid-params", new JsonArray());
    return invalid.stream().map(p -> ((JsonObject) p).getString("name")).toList();
  }

  private JsonObject getJson(String path) {
    return json(call(HttpMethod.GET, path, null), 200);
  }

  private JsonObject awaitJson(String path, Predicate<JsonObject> condition) {
    long deadline = System.currentTimeMillis() + 10_000;
    JsonObject body = null;
    while (System.currentTimeMillis() < deadline) {
      body = getJson(path);
      if (condition.test(body)) {
        return body;
      }
      sleep(50);
    }
    throw new AssertionError(path + " never matched; last " + body);
  }

  private long eventMark() {
    return getJson("/v1.0/events?since=0&limit=1").getLong("newestSeq");
  }

  private List<JsonObject> events(long since) {
    List<JsonObject> found = new ArrayList<>();
    getJson("/v1.0/events?limit=1000&since=" + since).getJsonArray("items").forEach(e -> found.add((JsonObject) e));
    return found;
  }

  private static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("type")).toList();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
