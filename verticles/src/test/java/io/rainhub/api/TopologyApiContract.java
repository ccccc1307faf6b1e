package io.rainhub.api;

import static io.rainhub.api.TopologyFixture.*;
import static io.rainhub.testing.TestHub.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.SqlDialect;
import io.rainhub.testing.TestDatabase;
import io.rainhub.testing.TestHub;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The topology and job API (docs/workflows.md) over real HTTP on a real database, with recipes of
 * the test's own. Callers: alice (tenant acme), bob (beta), carol (gamma, only for refused documents)
 * and the admin. Topologies of size 0 finish their jobs at once; a "stuck" one (a local node whose
 * agent never comes) keeps its job RUNNING, and each test that makes one cancels and deletes it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TopologyApiContract {

  private static final String PASSWORD = "a-long-enough-password";

  private Path dir;
  private TestHub hub;
  private String admin;
  private String u;
  private String acmeId;
  private String alice;
  private String bob;
  private String carol;

  protected abstract SqlDialect dialect();

  @BeforeAll
  void startHub() throws IOException {
    dir = Files.createTempDirectory("rainhub-topology-");
    TestDatabase database = TestDatabase.create(dialect());
    hub = hubWith(database, workflowConfig(dir, database));
    admin = await(hub.adminToken());
    u = UUID.randomUUID().toString().substring(0, 8);
    acmeId = user("alice", "acme");
    user("bob", "beta");
    user("carol", "gamma");
    alice = await(hub.login("alice-" + u, PASSWORD));
    bob = await(hub.login("bob-" + u, PASSWORD));
    carol = await(hub.login("carol-" + u, PASSWORD));
  }

  @AfterAll
  void stopHub() {
    hub.close();
    assertThat(processesNaming(hub.database().dataDir())).as("rain-agent processes left behind").isEmpty();
  }

  @Test
  void badDocumentsAre400NamingThePointerAndCreateNothing() {
    String name = unique("bad");
    assertThat(refused(doc(name, d -> comp(d, 0).put("size", 101)))).contains("/components/0/size");
    assertThat(refused(doc(name, d -> comp(d, 1).put("depends_on", "nowhere")))).contains("/components/1/depends_on");
    assertThat(refused(doc(name, d -> comp(d, 0).put("type", "mystery")))).contains("/components/0/type");
    // A cycle through depends_on alone (no imports, which would make a cycle of their own).
    JsonObject cycle = doc(name, d -> {
      comp(d, 0).put("depends_on", "app");
      comp(d, 1).remove("imports");
    });
    HttpResponse<Buffer> cyclic = send(hub, HttpMethod.POST, "/v1.0/topologies", carol, cycle);
    assertThat(problem(cyclic, 400)).isNotEmpty().allMatch(pointer -> pointer.matches("/components/[01]/depends_on"));
    assertThat(reasons(cyclic)).anyMatch(r -> r.contains("cycle") && r.contains("db") && r.contains("app"));
    for (String notAnObject : List.of("[1, 2]", "\"shop\"", "42", "{\"name\": ")) {
      HttpResponse<Buffer> response = await(hub.client().post("/v1.0/topologies").bearerTokenAuthentication(carol)
          .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(notAnObject)));
      problem(response, 400);
    }
    // Nothing of all that reached the engine: carol's tenant has no topology and no job.
    assertThat(ok(send(hub, HttpMethod.GET, "/v1.0/topologies", carol, null), 200).getInteger("total")).isZero();
    assertThat(ok(send(hub, HttpMethod.GET, "/v1.0/jobs", carol, null), 200).getInteger("total")).isZero();
  }

  @Test
  void aCreatedTopologyIsListedShownAndItsNameTakenInItsTenantOnly() {
    String name = unique("shop");
    HttpResponse<Buffer> response = send(hub, HttpMethod.POST, "/v1.0/topologies", alice, empty(name));
    JsonObject created = ok(response, 202);
    String id = created.getString("id");
    String jobId = created.getString("jobId");
    assertThat(id).isNotBlank();
    assertThat(jobId).isNotBlank();
    assertThat(response.getHeader("Location")).isEqualTo("/v1.0/topologies/" + id);
    assertThat(created.getJsonObject("topology").getString("name")).isEqualTo(name);

    JsonObject job = ended(hub, alice, jobId);
    assertThat(job.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(job.getString("kind")).isEqualTo("create");
    assertThat(job.getString("topologyId")).isEqualTo(id);
    assertThat(job.getString("tenantId")).isEqualTo(acmeId);
    assertThat(job.getJsonObject("progress")).isEqualTo(new JsonObject().put("done", 0).put("total", 0));
    assertThat(job.getString("endedAt")).isNotNull();

    assertThat(ids(ok(send(hub, HttpMethod.GET, "/v1.0/topologies", alice, null), 200))).contains(id);
    JsonObject shown = ok(send(hub, HttpMethod.GET, "/v1.0/topologies/" + id, alice, null), 200);
    assertThat(shown.getString("name")).isEqualTo(name);
    assertThat(shown.getString("availability_zone")).isEqualTo(ZONE);
    assertThat(shown.getString("state")).isEqualTo("RUNNING");
    assertThat(shown.getString("tenantId")).isEqualTo(acmeId);
    assertThat(shown.getString("lastJobId")).isEqualTo(jobId);
    List<JsonObject> components = shown.getJsonArray("components").stream().map(JsonObject.class::cast).toList();
    assertThat(components).extracting(c -> c.getString("name")).containsExactly("db", "app");
    assertThat(components).extracting(c -> c.getString("id")).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(components.get(1).getJsonArray("depends_on")).containsExactly("db");
    assertThat(components).allSatisfy(c -> assertThat(c.getJsonArray("nodes")).isEmpty());

    // The name is taken with its zone, in acme only.
    assertThat(problem(send(hub, HttpMethod.POST, "/v1.0/topologies", alice, empty(name)), 409)).containsExactly("name");
    ok(send(hub, HttpMethod.POST, "/v1.0/topologies", alice, empty(name).put("availability_zone", "zone-2")), 202);
    JsonObject betas = ok(send(hub, HttpMethod.POST, "/v1.0/topologies", bob, empty(name)), 202);
    assertThat(betas.getString("id")).isNotEqualTo(id);
    assertThat(ended(hub, bob, betas.getString("jobId")).getString("state")).isEqualTo("SUCCEEDED");
  }

  @Test
  void anotherTenantsTopologyComponentAndJobAre404AndUnchanged() {
    JsonObject mine = createEmpty(alice, unique("private"));
    String id = mine.getString("id");
    String jobId = mine.getString("jobId");
    String componentId = componentIds(alice, id).get(0);
    String theirs = createEmpty(bob, unique("theirs")).getString("id");
    record Call(HttpMethod method, String path, JsonObject body) {
    }
    List<Call> calls = List.of(
        new Call(HttpMethod.GET, "/v1.0/topologies/" + id, null),
        new Call(HttpMethod.DELETE, "/v1.0/topologies/" + id, null),
        new Call(HttpMethod.POST, "/v1.0/components/" + componentId, new JsonObject().put("count", 1)),
        new Call(HttpMethod.POST, "/v1.0/components/" + componentId + "/status", null),
        new Call(HttpMethod.PUT, "/v1.0/components/" + componentId + "/settings",
            new JsonObject().put("settings", new JsonObject().put("greeting", "stolen"))),
        new Call(HttpMethod.GET, "/v1.0/jobs/" + jobId, null),
        new Call(HttpMethod.GET, "/v1.0/jobs/" + jobId + "?wait=1s", null),
        new Call(HttpMethod.DELETE, "/v1.0/jobs/" + jobId, null));
    for (Call call : calls) {
      HttpResponse<Buffer> response = send(hub, call.method(), call.path(), bob, call.body());
      assertThat(response.statusCode()).as("%s %s: %s", call.method(), call.path(), response.bodyAsString())
          .isEqualTo(404);
    }
    assertThat(ids(ok(send(hub, HttpMethod.GET, "/v1.0/topologies", bob, null), 200))).contains(theirs)
        .doesNotContain(id);
    assertThat(ids(ok(send(hub, HttpMethod.GET, "/v1.0/jobs", bob, null), 200))).doesNotContain(jobId);
    assertThat(ok(send(hub, HttpMethod.GET, "/v1.0/jobs?topology=" + id, bob, null), 200).getInteger("total")).isZero();
    assertThat(ids(ok(send(hub, HttpMethod.GET, "/v1.0/topologies?range=500", admin, null), 200)))
        .contains(id, theirs);
    // bob's calls started nothing: alice's topology has its create job only, its settings as they were.
    assertThat(ids(ok(send(hub, HttpMethod.GET, "/v1.0/jobs?topology=" + id, alice, null), 200)))
        .containsExactly(jobId);
    JsonObject shown = ok(send(hub, HttpMethod.GET, "/v1.0/topologies/" + id, alice, null), 200);
    assertThat(shown.getString("state")).isEqualTo("RUNNING");
    assertThat(shown.getJsonArray("components").getJsonObject(0).getJsonObject("settings").getString("greeting"))
        .isNotEqualTo("stolen");
  }

  @Test
  void jobsAreListedNewestFirstFilteredByStateAndWaitIsBounded() throws InterruptedException {
    JsonObject created = createEmpty(alice, unique("listed"));
    String id = created.getString("id");
    // created_at is in milliseconds: apart, so "newest first" is not a tie broken by id.
    Thread.sleep(20);
    String dbId = componentIds(alice, id).get(0);
    String status = ok(send(hub, HttpMethod.POST, "/v1.0/components/" + dbId + "/status", alice, null), 202)
        .getString("jobId");
    assertThat(ended(hub, alice, status).getString("state")).isEqualTo("SUCCEEDED");
    JsonObject page = ok(send(hub, HttpMethod.GET, "/v1.0/jobs?topology=" + id, alice, null), 200);
    assertThat(ids(page)).containsExactly(status, created.getString("jobId"));
    assertThat(page.getJsonArray("items").getJsonObject(0).containsKey("workflows")).isFalse();
    assertThat(ids(ok(send(hub, HttpMethod.GET, "/v1.0/jobs?topology=" + id + "&state=SUCCEEDED", alice, null), 200)))
        .hasSize(2);
    assertThat(ok(send(hub, HttpMethod.GET, "/v1.0/jobs?topology=" + id + "&state=RUNNING", alice, null), 200)
        .getInteger("total")).isZero();
    assertThat(problem(send(hub, HttpMethod.GET, "/v1.0/jobs?state=DONE", alice, null), 400)).containsExactly("state");
    for (String wait : List.of("abc", "120s", "-1s", "1m")) {
      assertThat(problem(send(hub, HttpMethod.GET, "/v1.0/jobs/" + status + "?wait=" + wait, alice, null), 400))
          .as("wait=%s", wait).containsExactly("wait");
    }
  }

  @Test
  void aRunningJobIsWaitedForRefusesASecondJobAndIsCancelled() throws InterruptedException {
    JsonObject created = ok(send(hub, HttpMethod.POST, "/v1.0/topologies", alice, stuck(unique("stuck"))), 202);
    String id = created.getString("id");
    String jobId = created.getString("jobId");
    try {
      jobWhen(hub, alice, jobId, TopologyFixture::waitingForAgent);
      long before = System.nanoTime();
      JsonObject waited = ok(send(hub, HttpMethod.GET, "/v1.0/jobs/" + jobId + "?wait=1s", alice, null), 200);
      long tookMs = (System.nanoTime() - before) / 1_000_000;
      assertThat(waited.getString("state")).isEqualTo("RUNNING");
      assertThat(tookMs).as("?wait=1s of a running job").isBetween(900L, 4_999L);
      assertThat(ids(ok(send(hub, HttpMethod.GET, "/v1.0/jobs?state=RUNNING&topology=" + id, alice, null), 200)))
          .containsExactly(jobId);

      // One job at a time: the refusal names the running job and how to wait for it.
      String dbId = componentIds(alice, id).get(0);
      HttpResponse<Buffer> busy = send(hub, HttpMethod.POST, "/v1.0/components/" + dbId + "/status", alice, null);
      assertThat(problem(busy, 409)).containsExactly("topology");
      assertThat(busy.bodyAsJsonObject().getString("detail")).contains(jobId);
      assertThat(problem(send(hub, HttpMethod.DELETE, "/v1.0/topologies/" + id, alice, null), 409))
          .containsExactly("topology");

      JsonObject cancelled = ok(send(hub, HttpMethod.DELETE, "/v1.0/jobs/" + jobId, alice, null), 200);
      assertThat(cancelled.getString("state")).isEqualTo("CANCELLED");
      assertThat(cancelled.getJsonObject("error").getString("message")).contains("alice-" + u);
      assertThat(task(cancelled, "verify-spawn").getString("state")).isEqualTo("CANCELLED");
      // Cancelling an ended job this engine knows answers it as it stands (the OpenAPI's choice): 200, unchanged.
      JsonObject again = ok(send(hub, HttpMethod.DELETE, "/v1.0/jobs/" + jobId, alice, null), 200);
      assertThat(again.getString("state")).isEqualTo("CANCELLED");
      assertThat(again.getString("endedAt")).isEqualTo(cancelled.getString("endedAt"));
      assertThat(ok(send(hub, HttpMethod.GET, "/v1.0/jobs?state=CANCELLED&topology=" + id, alice, null), 200)
          .getInteger("total")).isOne();
      // A cancelled creation leaves the topology FAILED, and free for its deletion.
      assertThat(ok(send(hub, HttpMethod.GET, "/v1.0/topologies/" + id, alice, null), 200).getString("state"))
          .isEqualTo("FAILED");
    } finally {
      cancelAndDelete(hub, alice, id, jobId);
    }
  }

  @Test
  void aDeletedTopologyIsGoneAndItsNameFreeAtOnce() throws InterruptedException {
    String name = unique("gone");
    String id = createEmpty(alice, name).getString("id");
    String deletion = ok(send(hub, HttpMethod.DELETE, "/v1.0/topologies/" + id, alice, null), 202).getString("jobId");
    // Create again as soon as the name is free: never an error in between (409 until then, then 202).
    HttpResponse<Buffer> again;
    long deadline = System.currentTimeMillis() + 10_000;
    do {
      again = send(hub, HttpMethod.POST, "/v1.0/topologies", alice, empty(name));
    } while (again.statusCode() == 409 && System.currentTimeMillis() < deadline);
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(202);
    JsonObject job = ended(hub, alice, deletion);
    assertThat(job.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(job.getString("kind")).isEqualTo("delete");
    problem(send(hub, HttpMethod.GET, "/v1.0/topologies/" + id, alice, null), 404);
    assertThat(ids(ok(send(hub, HttpMethod.GET, "/v1.0/topologies?range=500", alice, null), 200))).doesNotContain(id);
    String recreated = again.bodyAsJsonObject().getString("id");
    assertThat(ended(hub, alice, again.bodyAsJsonObject().getString("jobId")).getString("state")).isEqualTo("SUCCEEDED");
    assertThat(ok(send(hub, HttpMethod.GET, "/v1.0/topologies/" + recreated, alice, null), 200).getString("name"))
        .isEqualTo(name);
  }

  @Test
  void theTopologySchemaIsServed() {
    HttpResponse<Buffer> response = send(hub, HttpMethod.GET, "/v1.0/schemas/topology.json", alice, null);
    JsonObject schema = ok(response, 200);
    assertThat(schema.getString("$schema")).contains("json-schema.org");
    assertThat(schema.getJsonObject("properties").getJsonObject("components")).isNotNull();
  }

  @Test
  void usersReadTheirOwnTopologiesEventsOnly() throws InterruptedException {
    long start = ok(send(hub, HttpMethod.GET, "/v1.0/events?since=0&limit=1", admin, null), 200).getLong("newestSeq");
    JsonObject mine = createEmpty(alice, unique("told"));
    JsonObject theirs = createEmpty(bob, unique("untold"));
    List<String> subjects = List.of("topology/" + mine.getString("id"), "job/" + mine.getString("jobId"));
    List<JsonObject> seen = eventsWhen(alice, start, events -> events.stream()
        .anyMatch(e -> e.getString("type").equals("job.succeeded") && subjects.contains(e.getString("subject"))));
    List<String> types = seen.stream().filter(e -> subjects.contains(e.getString("subject")))
        .map(e -> e.getString("type")).toList();
    assertThat(types).contains("topology.created", "job.created", "job.succeeded");
    assertThat(types.indexOf("job.created")).isLessThan(types.indexOf("job.succeeded"));
    assertThat(seen).allSatisfy(e -> assertThat(e.getString("tenantId")).isEqualTo(acmeId));
    assertThat(seen).noneMatch(e -> e.encode().contains(theirs.getString("id")) || e.encode()
        .contains(theirs.getString("jobId")));
    List<JsonObject> bobs = eventsWhen(bob, start, events -> events.stream()
        .anyMatch(e -> e.getString("subject").equals("job/" + theirs.getString("jobId"))
            && e.getString("type").equals("job.succeeded")));
    assertThat(bobs).noneMatch(e -> e.encode().contains(mine.getString("id")));
  }

  /** What was acknowledged survives a restart, and a job still running then is resumed, not lost. */
  @Test
  void aRestartedHubKeepsTopologiesAndJobsAndResumesTheRunningOne() throws InterruptedException {
    TestDatabase database = TestDatabase.create(dialect());
    JsonObject workflow = workflowConfig(dir.resolve("restart"), database);
    JsonObject kept;
    JsonObject stuck;
    List<String> componentIds;
    try (TestHub first = hubWith(database, workflow)) {
      String token = await(first.adminToken());
      kept = ok(send(first, HttpMethod.POST, "/v1.0/topologies", token, empty("kept")), 202);
      assertThat(ended(first, token, kept.getString("jobId")).getString("state")).isEqualTo("SUCCEEDED");
      stuck = ok(send(first, HttpMethod.POST, "/v1.0/topologies", token, stuck("resumed")), 202);
      jobWhen(first, token, stuck.getString("jobId"), TopologyFixture::waitingForAgent);
      componentIds = ok(send(first, HttpMethod.GET, "/v1.0/topologies/" + kept.getString("id"), token, null), 200)
          .getJsonArray("components").stream().map(c -> ((JsonObject) c).getString("id")).toList();
    }
    try (TestHub second = hubWith(database, workflow)) {
      String token = await(second.adminToken());
      // The engine starts once this hub won the lease: until then the API may answer 503.
      JsonObject shown = eventually(second, token, "/v1.0/topologies/" + kept.getString("id"));
      assertThat(shown.getString("state")).isEqualTo("RUNNING");
      assertThat(shown.getJsonArray("components").stream().map(c -> ((JsonObject) c).getString("id")).toList())
          .isEqualTo(componentIds);
      assertThat(ok(send(second, HttpMethod.GET, "/v1.0/topologies/" + stuck.getString("id"), token, null), 200)
          .getString("state")).isEqualTo("CREATING");
      JsonObject jobs = ok(send(second, HttpMethod.GET, "/v1.0/jobs", token, null), 200);
      assertThat(ids(jobs)).containsExactly(stuck.getString("jobId"), kept.getString("jobId"));
      assertThat(ok(send(second, HttpMethod.GET, "/v1.0/jobs/" + kept.getString("jobId"), token, null), 200)
          .getString("state")).isEqualTo("SUCCEEDED");
      // Resumed: still RUNNING, its spawn done and its node still awaited, a second later too.
      JsonObject resumed = ok(send(second, HttpMethod.GET, "/v1.0/jobs/" + stuck.getString("jobId") + "?wait=1s", token,
          null), 200);
      assertThat(waitingForAgent(resumed)).as(resumed.encodePrettily()).isTrue();
      assertThat(task(resumed, "spawn").getString("state")).isEqualTo("SUCCEEDED");
      // A job that ended before this engine started cannot be cancelled (409, as documented).
      assertThat(problem(send(second, HttpMethod.DELETE, "/v1.0/jobs/" + kept.getString("jobId"), token, null), 409))
          .containsExactly("id");
      cancelAndDelete(second, token, stuck.getString("id"), stuck.getString("jobId"));
    }
    assertThat(processesNaming(database.dataDir())).isEmpty();
  }

  // --- helpers

  /** Cancels the job (if still running), deletes the topology and waits for it to be gone. */
  private static void cancelAndDelete(TestHub hub, String token, String topologyId, String jobId) {
    send(hub, HttpMethod.DELETE, "/v1.0/jobs/" + jobId, token, null);
    HttpResponse<Buffer> deleted = send(hub, HttpMethod.DELETE, "/v1.0/topologies/" + topologyId, token, null);
    assertThat(ended(hub, token, ok(deleted, 202).getString("jobId")).getString("state")).isEqualTo("SUCCEEDED");
    problem(send(hub, HttpMethod.GET, "/v1.0/topologies/" + topologyId, token, null), 404);
  }

  private static JsonObject eventually(TestHub hub, String token, String path) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    HttpResponse<Buffer> response = send(hub, HttpMethod.GET, path, token, null);
    while (response.statusCode() == 503 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      response = send(hub, HttpMethod.GET, path, token, null);
    }
    return ok(response, 200);
  }

  private List<JsonObject> eventsWhen(String token, long since, Predicate<List<JsonObject>> wanted)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (true) {
      List<JsonObject> events = ok(send(hub, HttpMethod.GET, "/v1.0/events?limit=1000&since=" + since, token, null),
          200).getJsonArray("items").stream().map(JsonObject.class::cast).toList();
      if (wanted.test(events) || System.currentTimeMillis() > deadline) {
        assertThat(wanted).as("awaited events in %s", events).accepts(events);
        return events;
      }
      Thread.sleep(100);
    }
  }

  /** A size-0 topology whose create job succeeded: its create answer. */
  private JsonObject createEmpty(String token, String name) {
    JsonObject created = ok(send(hub, HttpMethod.POST, "/v1.0/topologies", token, empty(name)), 202);
    assertThat(ended(hub, token, created.getString("jobId")).getString("state")).isEqualTo("SUCCEEDED");
    return created;
  }

  private List<String> componentIds(String token, String topologyId) {
    return ok(send(hub, HttpMethod.GET, "/v1.0/topologies/" + topologyId, token, null), 200)
        .getJsonArray("components").stream().map(c -> ((JsonObject) c).getString("id")).toList();
  }

  private List<String> refused(JsonObject document) {
    return problem(send(hub, HttpMethod.POST, "/v1.0/topologies", carol, document), 400);
  }

  private static JsonObject doc(String name, Consumer<JsonObject> change) {
    JsonObject document = empty(name);
    change.accept(document);
    return document;
  }

  private static JsonObject comp(JsonObject document, int index) {
    return document.getJsonArray("components").getJsonObject(index);
  }

  /** A tenant and a user of it; returns the tenant's id. */
  private String user(String who, String tenant) {
    String tenantId = ok(send(hub, HttpMethod.POST, "/v1.0/tenants", admin,
        new JsonObject().put("name", tenant + "-" + u)), 201).getString("id");
    ok(send(hub, HttpMethod.POST, "/v1.0/users", admin, new JsonObject().put("username", who + "-" + u)
        .put("password", PASSWORD).put("tenant", tenant + "-" + u).put("roles", new JsonArray().add("user"))), 201);
    return tenantId;
  }

  private String unique(String what) {
    return what + "-" + u + "-" + UUID.randomUUID().toString().substring(0, 4);
  }
}
