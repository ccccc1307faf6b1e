package io.rainhub.tenancy;

import static io.rainhub.testing.TestHub.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.HubContract;
import io.rainhub.testing.TestAgent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenancy over real HTTP on a real database, for three callers: the admin (tenant system), alice
 * (a user of tenant acme) and bob (a user of tenant beta). Infrastructure is written by admins and
 * read by all; components and instances are their tenant's; events are filtered to the caller's
 * tenant for users and name their actor. Every test uses its own names and a mothership label of
 * its own, so no other test's mothership is a candidate for its instances.
 */
abstract class TenancyContract extends HubContract {

  private static final String PASSWORD = "a-long-enough-password";
  private static final String VERSION = "1.0";

  private String u;
  private String acme;
  private String beta;
  private String acmeId;
  private String betaId;
  private String alice;
  private String bob;

  @BeforeAll
  void tenantsAndUsers() {
    u = UUID.randomUUID().toString().substring(0, 8);
    acme = "acme-" + u;
    beta = "beta-" + u;
    acmeId = ok(send(HttpMethod.POST, "/v1.0/tenants", admin, new JsonObject().put("name", acme)), 201).getString("id");
    betaId = ok(send(HttpMethod.POST, "/v1.0/tenants", admin, new JsonObject().put("name", beta)), 201).getString("id");
    ok(send(HttpMethod.POST, "/v1.0/users", admin, user("alice-" + u, acme)), 201);
    ok(send(HttpMethod.POST, "/v1.0/users", admin, user("bob-" + u, beta)), 201);
    alice = await(hub.login("alice-" + u, PASSWORD));
    bob = await(hub.login("bob-" + u, PASSWORD));
  }

  // --- infrastructure: admins write, everyone reads

  @Test
  void usersGet403OnEveryInfrastructureWriteAndChangeNothing() {
    String t = unique("infra");
    String serverId = ok(send(HttpMethod.POST, "/rainservers/", admin, server(t + "-rs")), 201).getString("id");
    String mothershipId = ok(send(HttpMethod.POST, "/mothership/", admin, mothership(t + "-m", t)), 201).getString("id");
    String tokenId = ok(send(HttpMethod.POST, "/v1.0/agent-tokens", admin, new JsonObject().put("name", t + "-tok")), 201)
        .getString("id");
    long before = newestSeq();
    record Write(HttpMethod method, String path, JsonObject body) {
    }
    List<Write> writes = List.of(
        new Write(HttpMethod.POST, "/rainservers/", server(t + "-rs-user")),
        new Write(HttpMethod.PUT, "/rainservers/" + serverId, null),
        new Write(HttpMethod.DELETE, "/rainservers/" + serverId, null),
        new Write(HttpMethod.POST, "/mothership/", mothership(t + "-m-user", t)),
        new Write(HttpMethod.PUT, "/v1.0/rainservers/" + serverId + "/heartbeat", null),
        new Write(HttpMethod.PUT, "/v1.0/motherships/" + mothershipId + "/heartbeat", null),
        new Write(HttpMethod.PUT, "/v1.0/motherships/" + mothershipId + "/drain", new JsonObject().put("draining", true)),
        new Write(HttpMethod.POST, "/v1.0/tenants", new JsonObject().put("name", t + "-tenant")),
        new Write(HttpMethod.POST, "/v1.0/users", user(t + "-user", acme)),
        new Write(HttpMethod.POST, "/v1.0/agent-tokens", new JsonObject().put("name", t + "-tok-user")),
        new Write(HttpMethod.DELETE, "/v1.0/agent-tokens/" + tokenId, null),
        new Write(HttpMethod.POST, "/v1.0/nodes/" + mothershipId + "/commands", new JsonObject().put("action", "guest")));
    for (String token : List.of(alice, bob)) {
      for (Write write : writes) {
        HttpResponse<Buffer> refused = send(write.method(), write.path(), token, write.body());
        assertThat(refused.statusCode()).as("%s %s: %s", write.method(), write.path(), refused.bodyAsString()).isEqualTo(403);
        assertThat(refused.getHeader("Content-Type")).startsWith("application/problem+json");
        JsonObject problem = refused.bodyAsJsonObject();
        assertThat(problem.getString("detail")).contains("Only admins may " + write.method() + " " + write.path());
        assertThat(problem.getJsonArray("invalid-params").getJsonObject(0).getString("name")).isEqualTo("roles");
      }
    }
    // Refused writes changed nothing: no event, the nodes and the token as they were.
    assertThat(newestSeq()).isEqualTo(before);
    assertThat(names(ok(send(HttpMethod.GET, "/mothership/all", admin, null), 200))).contains(t + "-m")
        .doesNotContain(t + "-m-user");
    assertThat(ok(send(HttpMethod.GET, "/mothership/" + mothershipId, admin, null), 200).getBoolean("draining")).isFalse();
    assertThat(ok(send(HttpMethod.GET, "/rainservers/all", admin, null), 200).getJsonArray("items").stream()
        .map(s -> ((JsonObject) s).getString("id"))).contains(serverId);
    // The same writes by the admin pass the check (the drain and the revocation change state).
    assertThat(send(HttpMethod.PUT, "/v1.0/motherships/" + mothershipId + "/drain", admin,
        new JsonObject().put("draining", true)).statusCode()).isEqualTo(200);
    assertThat(send(HttpMethod.DELETE, "/v1.0/agent-tokens/" + tokenId, admin, null).statusCode()).isEqualTo(200);
    assertThat(send(HttpMethod.PUT, "/v1.0/rainservers/" + serverId + "/heartbeat", admin, null).statusCode()).isEqualTo(200);
    assertThat(send(HttpMethod.DELETE, "/rainservers/" + serverId, admin, null).statusCode()).isEqualTo(200);
  }

  @Test
  void usersReadInfrastructureAndOnlyTheirOwnTenantAndItsUsers() {
    String t = unique("read");
    String mothershipId = ok(send(HttpMethod.POST, "/mothership/", admin, mothership(t + "-m", t)), 201).getString("id");
    String serverId = ok(send(HttpMethod.POST, "/rainservers/", admin, server(t + "-rs")), 201).getString("id");
    for (String token : List.of(alice, bob)) {
      assertThat(names(ok(send(HttpMethod.GET, "/mothership/all", token, null), 200))).contains(t + "-m");
      assertThat(ok(send(HttpMethod.GET, "/mothership/" + mothershipId, token, null), 200).getString("name")).isEqualTo(t + "-m");
      assertThat(names(ok(send(HttpMethod.GET, "/rainservers/all", token, null), 200))).contains(t + "-rs");
      ok(send(HttpMethod.GET, "/rainservers/" + serverId + "/urls", token, null), 200);
      ok(send(HttpMethod.GET, "/v1.0/agents", token, null), 200);
      ok(send(HttpMethod.GET, "/v1.0/agent-tokens", token, null), 200);
      ok(send(HttpMethod.GET, "/v1.0/route?url=/" + t + "-rs/x&session=s-" + t, token, null), 200);
      // Commands carry every tenant's instances and arguments: admins only, even to read.
      assertThat(send(HttpMethod.GET, "/v1.0/nodes/" + mothershipId + "/commands", token, null).statusCode()).isEqualTo(403);
    }
    assertThat(names(ok(send(HttpMethod.GET, "/v1.0/tenants", alice, null), 200))).containsExactly(acme);
    assertThat(names(ok(send(HttpMethod.GET, "/v1.0/tenants", bob, null), 200))).containsExactly(beta);
    assertThat(names(ok(send(HttpMethod.GET, "/v1.0/tenants", admin, null), 200))).contains(acme, beta, "system");
    assertThat(usernames(ok(send(HttpMethod.GET, "/v1.0/users", alice, null), 200))).containsExactly("alice-" + u);
    assertThat(usernames(ok(send(HttpMethod.GET, "/v1.0/users", admin, null), 200))).contains("alice-" + u, "bob-" + u, "admin");
    JsonObject whoami = ok(send(HttpMethod.GET, "/v1.0/whoami", bob, null), 200);
    assertThat(whoami.getString("tenant")).isEqualTo(beta);
    assertThat(whoami.getString("tenantId")).isEqualTo(betaId);
  }

  // --- components and instances: the tenant's own

  @Test
  void anotherTenantsComponentAndInstanceAre404OnEveryRouteAndStayAsTheyWere() {
    String t = unique("own");
    String mothershipId = ok(send(HttpMethod.POST, "/mothership/", admin, mothership(t + "-m", t)), 201).getString("id");
    ok(send(HttpMethod.POST, "/mothership/", admin, mothership(t + "-m2", t)), 201);
    String component = t + "-cart";
    JsonObject deployed = ok(send(HttpMethod.POST, "/webcomponent/", alice, descriptor(component, t)), 201);
    assertThat(deployed.getString("tenantId")).isEqualTo(acmeId);
    JsonObject instance = ok(send(HttpMethod.POST, "/webcomponent/" + component + "/" + VERSION, alice, null), 201);
    String instanceId = instance.getString("instanceId");
    String key = "/webcomponent/" + component + "/" + VERSION;
    record Call(HttpMethod method, String path, JsonObject body) {
    }
    List<Call> calls = List.of(
        new Call(HttpMethod.GET, key, null),
        new Call(HttpMethod.GET, key + "/descriptor", null),
        new Call(HttpMethod.GET, key + "/statistics", null),
        new Call(HttpMethod.POST, key, null),
        new Call(HttpMethod.PUT, key, null),
        new Call(HttpMethod.DELETE, key, null),
        new Call(HttpMethod.GET, "/webcomponent/" + instanceId, null),
        new Call(HttpMethod.POST, "/webcomponent/" + instanceId, new JsonObject()),
        new Call(HttpMethod.PUT, "/webcomponent/" + instanceId, null),
        new Call(HttpMethod.DELETE, "/webcomponent/" + instanceId, null));
    long before = newestSeq();
    for (Call call : calls) {
      HttpResponse<Buffer> hidden = send(call.method(), call.path(), bob, call.body());
      assertThat(hidden.statusCode()).as("%s %s: %s", call.method(), call.path(), hidden.bodyAsString()).isEqualTo(404);
      assertThat(hidden.getHeader("Content-Type")).startsWith("application/problem+json");
      // Answered as a component or instance that does not exist: nothing tells bob it does.
      String missing = call.path().replace(component, t + "-none").replace(instanceId, UUID.randomUUID().toString());
      HttpResponse<Buffer> absent = send(call.method(), missing, bob, call.body());
      assertThat(absent.statusCode()).isEqualTo(404);
      assertThat(hidden.bodyAsJsonObject().getString("title")).isEqualTo(absent.bodyAsJsonObject().getString("title"));
    }
    assertThat(newestSeq()).as("bob changed nothing").isEqualTo(before);
    JsonObject seen = ok(send(HttpMethod.GET, "/webcomponent/" + instanceId, alice, null), 200);
    assertThat(seen.getInteger("generation")).isZero();
    assertThat(seen.getJsonArray("placements")).hasSize(1);
    assertThat(ok(send(HttpMethod.GET, "/webcomponent/" + instanceId, admin, null), 200).getString("tenantId"))
        .isEqualTo(acmeId);

    // Lists, a mothership's instances and the map: bob sees the nodes, not alice's instance.
    assertThat(ids(ok(send(HttpMethod.GET, "/webcomponent/all?range=1000", alice, null), 200))).contains(component);
    assertThat(ids(ok(send(HttpMethod.GET, "/webcomponent/all?range=1000", bob, null), 200))).doesNotContain(component);
    assertThat(ids(ok(send(HttpMethod.GET, "/webcomponent/all?range=1000", admin, null), 200))).contains(component);
    String hosting = instance.getString("mothershipId");
    assertThat(instanceIds(ok(send(HttpMethod.GET, "/mothership/" + hosting + "/webcomponents", alice, null), 200)))
        .containsExactly(instanceId);
    assertThat(instanceIds(ok(send(HttpMethod.GET, "/mothership/" + hosting + "/webcomponents", bob, null), 200))).isEmpty();
    assertThat(mapNodeIds(bob)).contains(mothershipId).doesNotContain(instanceId);
    assertThat(mapNodeIds(alice)).contains(mothershipId, instanceId);
    assertThat(mapNodeIds(admin)).contains(instanceId);

    // Alice acts on her own: cluster to a second mothership, refresh, stop, undeploy.
    ok(send(HttpMethod.POST, "/webcomponent/" + instanceId, alice, new JsonObject()), 201);
    ok(send(HttpMethod.PUT, "/webcomponent/" + instanceId, alice, null), 200);
    ok(send(HttpMethod.DELETE, "/webcomponent/" + instanceId, alice, null), 200);
    ok(send(HttpMethod.DELETE, key, alice, null), 200);
  }

  @Test
  void aComponentIdTakenByAnotherTenantIs409OnTheId() {
    String t = unique("taken");
    String component = t + "-shared";
    ok(send(HttpMethod.POST, "/webcomponent/", alice, descriptor(component, t)), 201);

    HttpResponse<Buffer> same = send(HttpMethod.POST, "/webcomponent/", bob, descriptor(component, t));
    HttpResponse<Buffer> otherVersion = send(HttpMethod.POST, "/webcomponent/", bob, descriptor(component, t).put("version", "2.0"));
    HttpResponse<Buffer> again = send(HttpMethod.POST, "/webcomponent/", alice, descriptor(component, t));

    for (HttpResponse<Buffer> taken : List.of(same, otherVersion)) {
      assertThat(taken.statusCode()).as(taken.bodyAsString()).isEqualTo(409);
      JsonObject problem = taken.bodyAsJsonObject();
      assertThat(problem.getString("detail")).contains("taken by another tenant");
      assertThat(problem.getJsonArray("invalid-params").getJsonObject(0).getString("name")).isEqualTo("id");
    }
    // The owner redeploying the same version is the usual conflict, on the version.
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getJsonArray("invalid-params").getJsonObject(0).getString("name")).isEqualTo("version");
    // Alice's new versions are hers to add.
    ok(send(HttpMethod.POST, "/webcomponent/", alice, descriptor(component, t).put("version", "2.0")), 201);
  }

  // --- events: filtered for users, every one naming its actor

  @Test
  void eventQueriesShowUsersTheirTenantsEventsOnlyAndNameTheActor() {
    String t = unique("events");
    long start = newestSeq();
    ok(send(HttpMethod.POST, "/mothership/", admin, mothership(t + "-m", t)), 201);
    ok(send(HttpMethod.POST, "/v1.0/users", admin, user(t + "-carol", beta)), 201);
    ok(send(HttpMethod.POST, "/webcomponent/", alice, descriptor(t + "-a", t)), 201);
    ok(send(HttpMethod.POST, "/webcomponent/" + t + "-a/" + VERSION, alice, null), 201);
    ok(send(HttpMethod.POST, "/webcomponent/", bob, descriptor(t + "-b", t)), 201);

    List<JsonObject> asAlice = events(alice, start);
    List<JsonObject> asBob = events(bob, start);
    List<JsonObject> asAdmin = events(admin, start);

    assertThat(asAlice).isNotEmpty().allSatisfy(e -> assertThat(e.getString("tenantId")).isEqualTo(acmeId));
    assertThat(types(asAlice)).contains("webcomponent.deployed", "instance.placed")
        .doesNotContain("user.created", "mothership.registered", "command.queued");
    assertThat(asAlice).filteredOn(e -> e.getString("type").startsWith("webcomponent.") || e.getString("type").startsWith("instance."))
        .allSatisfy(e -> assertThat(e.getString("actor")).isEqualTo("user:alice-" + u));

    assertThat(asBob).isNotEmpty().allSatisfy(e -> assertThat(e.getString("tenantId")).isEqualTo(betaId));
    assertThat(asBob).filteredOn(e -> e.getString("type").equals("user.created"))
        .singleElement().satisfies(e -> assertThat(e.getString("actor")).isEqualTo("user:admin"));
    assertThat(asBob).filteredOn(e -> e.getString("type").equals("webcomponent.deployed"))
        .singleElement().satisfies(e -> assertThat(e.getString("actor")).isEqualTo("user:bob-" + u));

    assertThat(types(asAdmin)).contains("mothership.registered", "user.created", "webcomponent.deployed",
        "instance.placed");
    assertThat(asAdmin).allSatisfy(e -> assertThat(e.getString("actor")).isNotBlank());
    assertThat(asAdmin).filteredOn(e -> e.getString("type").equals("mothership.registered"))
        .singleElement().satisfies(e -> {
          assertThat(e.getString("actor")).isEqualTo("user:admin");
          assertThat(e.getString("tenantId")).isNull();
        });
    assertThat(asAdmin).hasSize(asAdmin.stream().map(e -> e.getLong("seq")).distinct().toList().size());
    assertThat(asAdmin.size()).isGreaterThan(asAlice.size() + asBob.size());
  }

  @Test
  void aUsersWebSocketStreamCarriesOnlyTheirTenantsEvents() throws Exception {
    String t = unique("stream");
    long start = newestSeq();
    WebSocketClient client = hub.vertx().createWebSocketClient();
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    WebSocket ws = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(hub.port())
        .setURI("/v1.0/events/ws?since=" + start).addHeader("Authorization", "Bearer " + bob)));
    ws.textMessageHandler(text -> received.add(new JsonObject(text)));
    try {
      ok(send(HttpMethod.POST, "/v1.0/users", admin, user(t + "-dave", acme)), 201);
      ok(send(HttpMethod.POST, "/webcomponent/", alice, descriptor(t + "-a", t)), 201);
      ok(send(HttpMethod.POST, "/v1.0/tenants", admin, new JsonObject().put("name", t + "-other")), 201);
      ok(send(HttpMethod.POST, "/webcomponent/", bob, descriptor(t + "-b", t)), 201);
      waitFor(received, e -> e.getJsonObject("payload").getString("id", "").equals(t + "-b"));
      // Everything alice and the admin caused was committed before bob's deploy: had it been sent, it would be here.
      assertThat(received).allSatisfy(e -> assertThat(e.getString("tenantId")).isEqualTo(betaId));
      assertThat(received).last().satisfies(e -> assertThat(e.getString("actor")).isEqualTo("user:bob-" + u));
    } finally {
      await(ws.close());
      await(client.close());
    }
  }

  @Test
  void agentsAndTheHubAreActorsToo() throws Exception {
    String t = unique("actors");
    long start = newestSeq();
    String agentToken = ok(send(HttpMethod.POST, "/v1.0/agent-tokens", admin, new JsonObject().put("name", t + "-agent")), 201)
        .getString("token");
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken))) {
      // The agent puts a person's caller in its hello: the gateway drops it, so it cannot pass for one.
      agent.hello(TestAgent.mothershipHello(t + "-node", 2, 2048).put("caller",
          new JsonObject().put("user", "alice-" + u).put("tenantId", acmeId).put("admin", true)));
      // A REST registration with a TTL expires on the hub's own timer.
      ok(send(HttpMethod.POST, "/rainservers/", admin, server(t + "-rs").put("ttlSeconds", 1)), 201);
      List<JsonObject> all = waitForEvents(admin, start, e -> e.getString("type").equals("rainserver.expired")
          && e.getJsonObject("payload").getString("id") != null);
      assertThat(all).filteredOn(e -> e.getString("type").equals("agenttoken.created"))
          .singleElement().satisfies(e -> assertThat(e.getString("actor")).isEqualTo("user:admin"));
      assertThat(all).filteredOn(e -> e.getString("type").equals("mothership.registered"))
          .singleElement().satisfies(e -> assertThat(e.getString("actor")).isEqualTo("agent:" + t + "-agent"));
      assertThat(all).filteredOn(e -> e.getString("type").equals("rainserver.expired"))
          .first().satisfies(e -> assertThat(e.getString("actor")).isEqualTo("hub"));
      // Infrastructure events are not alice's to follow.
      assertThat(events(alice, start)).isEmpty();
    }
  }

  // --- helpers

  private HttpResponse<Buffer> send(HttpMethod method, String path, String token, JsonObject body) {
    HttpRequest<Buffer> request = hub.client().request(method, path).bearerTokenAuthentication(token);
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  private static JsonObject ok(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  private long newestSeq() {
    return ok(send(HttpMethod.GET, "/v1.0/events?since=0&limit=1", admin, null), 200).getLong("newestSeq");
  }

  private List<JsonObject> events(String token, long since) {
    JsonObject page = ok(send(HttpMethod.GET, "/v1.0/events?limit=1000&since=" + since, token, null), 200);
    return page.getJsonArray("items").stream().map(e -> (JsonObject) e).toList();
  }

  private List<JsonObject> waitForEvents(String token, long since, Predicate<JsonObject> wanted) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (true) {
      List<JsonObject> all = events(token, since);
      if (all.stream().anyMatch(wanted) || System.currentTimeMillis() > deadline) {
        assertThat(all).as("the awaited event").anyMatch(wanted);
        return all;
      }
      Thread.sleep(100);
    }
  }

  private static void waitFor(List<JsonObject> received, Predicate<JsonObject> wanted) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (received.stream().noneMatch(wanted) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(received).as("the awaited event").anyMatch(wanted);
  }

  private List<String> mapNodeIds(String token) {
    return ok(send(HttpMethod.GET, "/v1.0/map", token, null), 200).getJsonArray("nodes").stream()
        .map(n -> ((JsonObject) n).getString("id")).toList();
  }

  private static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("type")).toList();
  }

  private static List<String> names(JsonObject list) {
    return strings(list.getJsonArray("items"), "name");
  }

  private static List<String> usernames(JsonObject list) {
    return strings(list.getJsonArray("items"), "username");
  }

  private static List<String> ids(JsonObject list) {
    return strings(list.getJsonArray("items"), "id");
  }

  private static List<String> instanceIds(JsonObject list) {
    return strings(list.getJsonArray("items"), "instanceId");
  }

  private static List<String> strings(JsonArray items, String field) {
    return items.stream().map(i -> ((JsonObject) i).getString(field)).toList();
  }

  private String unique(String what) {
    return what + "-" + u + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private static JsonObject user(String username, String tenant) {
    return new JsonObject().put("username", username).put("password", PASSWORD).put("tenant", tenant)
        .put("roles", new JsonArray().add("user"));
  }

  private static JsonObject server(String name) {
    return new JsonObject().put("name", name).put("address", name + ":80")
        .put("urls", new JsonArray().add("/" + name + "/*"));
  }

  /** A mothership carrying label pool={@code pool}: only this test's components ask for it. */
  private static JsonObject mothership(String name, String pool) {
    return new JsonObject().put("name", name).put("address", name + ":9000")
        .put("capacity", new JsonObject().put("cpu", 4).put("ramMb", 8192).put("bandwidthMbps", 1000))
        .put("labels", new JsonObject().put("pool", pool));
  }

  private static JsonObject descriptor(String id, String pool) {
    return new JsonObject().put("id", id).put("version", VERSION).put("urls", new JsonArray().add("/" + id + "/*"))
        .put("resources", new JsonObject().put("cpu", 1).put("ramMb", 256).put("bandwidthMbps", 10))
        .put("labels", new JsonObject().put("pool", pool));
  }
}
