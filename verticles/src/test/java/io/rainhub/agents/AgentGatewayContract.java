package io.rainhub.agents;

import static io.rainhub.testing.HandMadeTokens.hs256;
import static io.rainhub.testing.TestHub.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.api.HttpApiVerticle;
import io.rainhub.testing.HandMadeTokens;
import io.rainhub.testing.HubContract;
import io.rainhub.testing.TestAgent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The agent gateway over its real interfaces (the WebSocket, the HTTP fallback, the REST API and
 * the event log): who may connect, what a misbehaving agent gets, liveness and rescheduling,
 * delivery of commands across reconnects, request-reply, and what operators see. Heartbeats every
 * 200 ms and a 600 ms TTL keep it quick. One hub serves the class, so every test works in its own
 * pool (a unique label on its motherships and components) and with its own names.
 */
abstract class AgentGatewayContract extends HubContract {

  static final long HEARTBEAT_MS = 200;
  static final long TTL_MS = 600;
  static final long COMMAND_EXPIRY_SECONDS = 4;

  private String sharedAgentToken;

  @Override
  protected JsonObject hypervisorConfig() {
    return new JsonObject().put("heartbeatIntervalMs", HEARTBEAT_MS).put("agentTtlMs", TTL_MS)
        .put("commandExpirySeconds", COMMAND_EXPIRY_SECONDS);
  }

  // ------------------------------------------------------------------ registration and commands

  @Test
  void aMothershipAgentRegistersTheRecordRestListsAndGetsCommandsForItsInstances() {
    String name = unique("ms");
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      String pool = unique("pool");
      JsonObject welcome = agent.hello(TestAgent.mothershipHello(name, 64, 65536).put("labels", pool(pool)));
      String nodeId = welcome.getString("nodeId");
      assertThat(welcome.getLong("heartbeatIntervalMs")).isEqualTo(HEARTBEAT_MS);
      assertThat(welcome.getLong("ttlMs")).isEqualTo(TTL_MS);
      agent.heartbeat(new JsonArray());

      JsonObject listed = getJson("/mothership/" + nodeId);
      assertThat(listed.getString("name")).isEqualTo(name);
      assertThat(listed.getBoolean("agentManaged")).isTrue();

      String component = deployComponent(pool);
      JsonObject instance = instantiate(component);
      String instanceId = instance.getString("instanceId");
      assertThat(instance.getString("state")).isEqualTo("PLACED");

      JsonObject command = agent.expect("command");
      assertThat(command.getJsonObject("body").getString("action")).isEqualTo("instantiate");
      assertThat(command.getJsonObject("body").getJsonObject("args").getString("instanceId")).isEqualTo(instanceId);
      agent.result(command, "succeeded");

      awaitState("/webcomponent/" + instanceId, "RUNNING");
    }
  }

  // ------------------------------------------------------------------ who may connect

  @Test
  void theUpgradeTakesOnlyAValidUnrevokedAgentTokenAndRefusesEverythingElseWith401() throws Exception {
    JsonObject issued = issueAgentToken();
    String secret = HandMadeTokens.hubSecret(hub);
    long now = System.currentTimeMillis() / 1000;

    // Control: a token made by hand with the hub's key and a real agent token id is accepted, so each
    // refusal below is about the one thing that differs from it.
    String handMade = hs256(secret, agentClaims(issued.getString("id"), now - 10, now + 600));
    try (TestAgent accepted = await(TestAgent.connect(hub.vertx(), hub.port(), handMade))) {
      assertThat(accepted.hello(TestAgent.genericHello(unique("hand-made"))).getString("nodeId")).isNotNull();
    }

    byte[] otherKey = new byte[32];
    new SecureRandom().nextBytes(otherKey);
    assertRefusedAtUpgrade(null, "no token");
    assertRefusedAtUpgrade("not-a-jwt", "garbage");
    assertRefusedAtUpgrade(hs256(Base64.getEncoder().encodeToString(otherKey),
        agentClaims(issued.getString("id"), now - 10, now + 600)), "forged (signed with another key)");
    assertRefusedAtUpgrade(hs256(secret, agentClaims(issued.getString("id"), now - 7200, now - 3600)), "expired");
    assertRefusedAtUpgrade(admin, "a people token (admin login)");

    JsonObject revoked = issueAgentToken();
    assertThat(await(hub.client().delete("/v1.0/agent-tokens/" + revoked.getString("id"))
        .bearerTokenAuthentication(admin).send()).statusCode()).isEqualTo(200);
    assertRefusedAtUpgrade(revoked.getString("token"), "revoked");

    // A good token without an upgrade is a client error, answered like any other.
    JsonObject problem = assertProblem(await(hub.get("/agents/ws", issued.getString("token"))), 400);
    assertThat(problem.getJsonArray("invalid-params").getJsonObject(0).getString("name")).isEqualTo("Upgrade");
  }

  @Test
  void revokingATokenClosesItsOpenSessionsWith1008AndNoOthers() {
    JsonObject doomed = issueAgentToken();
    try (TestAgent victim = await(TestAgent.connect(hub.vertx(), hub.port(), doomed.getString("token")));
         TestAgent bystander = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      victim.hello(TestAgent.genericHello(unique("doomed")));
      bystander.hello(TestAgent.genericHello(unique("bystander")));

      assertThat(await(hub.client().delete("/v1.0/agent-tokens/" + doomed.getString("id"))
          .bearerTokenAuthentication(admin).send()).statusCode()).isEqualTo(200);

      assertThat(victim.awaitClose(5_000)).as("close code of the revoked token's session").isEqualTo((short) 1008);
      // The session on another token is still served: it gets an answer to a frame.
      JsonObject probe = TestAgent.frame("dance", new JsonObject());
      bystander.send(probe);
      assertThat(bystander.expectError().getString("inReplyTo")).isEqualTo(probe.getString("id"));
      assertThat(bystander.closeCode()).isNull();
    }
  }

  // ------------------------------------------------------------------ agent identity (issue 10, item 3)

  @Test
  void anotherTokensHelloForABoundNodeIsRefusedWithNodeBoundAnd1008AndTheLegitimateSessionIsLeftAlone() {
    String name = unique("bound");
    JsonObject intruderToken = issueAgentToken();
    try (TestAgent owner = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      String nodeId = owner.hello(TestAgent.genericHello(name)).getString("nodeId");
      owner.keepAlive();

      for (JsonObject body : List.of(TestAgent.genericHello(name), TestAgent.genericHello(name).put("nodeId", nodeId))) {
        try (TestAgent intruder = await(TestAgent.connect(hub.vertx(), hub.port(), intruderToken.getString("token")))) {
          JsonObject hello = TestAgent.frame("hello", body);
          intruder.send(hello);
          assertError(intruder.expectError(), "node-bound", hello.getString("id"));
          assertThat(intruder.awaitClose(5_000)).as("close code of the intruder").isEqualTo((short) 1008);
        }
      }
      sleep(TTL_MS);
      assertThat(owner.closeCode()).as("the owner's session").isNull();
      assertThat(awaitAgent(nodeId, node -> "AVAILABLE".equals(node.getString("state")))).isNotNull();

      // The HTTP fallback refuses the intruder too, on every path that names the node.
      String intruder = intruderToken.getString("token");
      assertThat(assertProblem(await(hub.postJson("/agents/http/heartbeat?node=" + nodeId, intruder,
          TestAgent.frame("heartbeat", new JsonObject()))), 403).getString("code")).isEqualTo("node-bound");
      assertProblem(await(hub.postJson("/agents/http/hello", intruder,
          TestAgent.frame("hello", TestAgent.genericHello(name).put("nodeId", nodeId)))), 403);
      assertProblem(await(hub.postJson("/agents/http/frames?node=" + nodeId, intruder,
          TestAgent.frame("event", new JsonObject().put("type", "forged")))), 403);
      assertProblem(await(hub.client().get("/agents/http/commands?node=" + nodeId + "&waitMs=0")
          .bearerTokenAuthentication(intruder).send()), 403);
      assertThat(owner.closeCode()).isNull();
    }
    // The owner's token resumes the node (a reconnect with its id).
    try (TestAgent back = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      assertThat(back.hello(TestAgent.genericHello(name)).getString("state")).isNotNull();
    }
  }

  @Test
  void aRestRegisteredMothershipIsTakenOverOnlyAfterAnAdminEnrolsItForAToken() {
    String name = unique("rest-ms");
    HttpResponse<Buffer> registered = await(hub.postJson("/mothership/", admin, new JsonObject().put("name", name)
        .put("address", "rest.test:9000").put("labels", pool(unique("pool")))
        .put("capacity", new JsonObject().put("cpu", 4).put("ramMb", 4096).put("bandwidthMbps", 100))));
    assertThat(registered.statusCode()).as(registered.bodyAsString()).isEqualTo(201);
    String mothershipId = registered.bodyAsJsonObject().getString("id");
    JsonObject token = issueAgentToken();

    for (JsonObject body : List.of(TestAgent.mothershipHello(name, 4, 4096),
        TestAgent.mothershipHello(unique("other-name"), 4, 4096).put("nodeId", mothershipId))) {
      try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), token.getString("token")))) {
        JsonObject hello = TestAgent.frame("hello", body);
        agent.send(hello);
        assertError(agent.expectError(), "not-enrolled", hello.getString("id"));
        assertThat(agent.awaitClose(5_000)).isEqualTo((short) 1008);
      }
    }
    assertThat(getJson("/mothership/" + mothershipId).getBoolean("agentManaged")).isFalse();

    // Only admins enrol; an unknown token or node is refused.
    String enrol = "/v1.0/nodes/" + mothershipId + "/enrol";
    assertProblem(await(hub.client().put(enrol).bearerTokenAuthentication(user())
        .sendJsonObject(new JsonObject().put("agentToken", token.getString("name")))), 403);
    assertThat(assertProblem(await(hub.client().put(enrol).bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("agentToken", "no-such-token"))), 400).getJsonArray("invalid-params")
        .getJsonObject(0).getString("name")).isEqualTo("agentToken");
    assertProblem(await(hub.client().put("/v1.0/nodes/" + UUID.randomUUID() + "/enrol").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("agentToken", token.getString("id")))), 404);

    HttpResponse<Buffer> enrolled = await(hub.client().put(enrol).bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("agentToken", token.getString("name"))));
    assertThat(enrolled.statusCode()).as(enrolled.bodyAsString()).isEqualTo(200);
    assertThat(enrolled.bodyAsJsonObject().getString("agentTokenId")).isEqualTo(token.getString("id"));

    try (TestAgent other = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      JsonObject hello = TestAgent.frame("hello", TestAgent.mothershipHello(name, 4, 4096));
      other.send(hello);
      assertError(other.expectError(), "not-enrolled", hello.getString("id"));
    }
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), token.getString("token")))) {
      assertThat(agent.hello(TestAgent.mothershipHello(name, 4, 4096)).getString("nodeId")).isEqualTo(mothershipId);
      assertThat(getJson("/mothership/" + mothershipId).getBoolean("agentManaged")).isTrue();
    }
  }

  @Test
  void aNodeWhoseTokenWasRevokedIsReBoundByEnrollingItForANewToken() {
    String name = unique("rebound");
    JsonObject old = issueAgentToken();
    String nodeId;
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), old.getString("token")))) {
      nodeId = agent.hello(TestAgent.genericHello(name)).getString("nodeId");
    }
    await(hub.client().delete("/v1.0/agent-tokens/" + old.getString("id")).bearerTokenAuthentication(admin).send());
    JsonObject fresh = issueAgentToken();
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), fresh.getString("token")))) {
      JsonObject hello = TestAgent.frame("hello", TestAgent.genericHello(name));
      agent.send(hello);
      assertError(agent.expectError(), "node-bound", hello.getString("id"));
    }
    assertThat(assertProblem(await(hub.client().put("/v1.0/nodes/" + nodeId + "/enrol").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("agentToken", old.getString("id")))), 400)
        .getJsonArray("invalid-params").getJsonObject(0).getString("name")).as("a revoked token").isEqualTo("agentToken");
    HttpResponse<Buffer> enrolled = await(hub.client().put("/v1.0/nodes/" + nodeId + "/enrol")
        .bearerTokenAuthentication(admin).sendJsonObject(new JsonObject().put("agentToken", fresh.getString("id"))));
    assertThat(enrolled.statusCode()).as(enrolled.bodyAsString()).isEqualTo(200);
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), fresh.getString("token")))) {
      assertThat(agent.hello(TestAgent.genericHello(name)).getString("nodeId")).isEqualTo(nodeId);
    }
  }

  // ------------------------------------------------------------------ misbehaving agents

  @Test
  void badFramesAreAnsweredWithErrorFramesNamingTheProblemAndTheConnectionStaysUsable() {
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      JsonObject early = TestAgent.frame("heartbeat", new JsonObject().put("metrics", new JsonObject()));
      agent.send(early);
      assertError(agent.expectError(), "hello-required", early.getString("id"));

      agent.sendText("this is { not json");
      assertError(agent.expectError(), "malformed", null);
      agent.sendText("[1, 2, 3]");
      assertError(agent.expectError(), "malformed", null);
      JsonObject noId = TestAgent.frame("heartbeat", new JsonObject());
      noId.remove("id");
      agent.send(noId);
      assertError(agent.expectError(), "malformed", null);

      JsonObject unknown = TestAgent.frame("dance", new JsonObject());
      agent.send(unknown);
      assertError(agent.expectError(), "unknown-type", unknown.getString("id"));

      JsonObject badKind = TestAgent.frame("hello", TestAgent.genericHello(unique("toaster")).put("kind", "toaster"));
      agent.send(badKind);
      assertThat(assertError(agent.expectError(), "malformed", badKind.getString("id")).getString("message"))
          .contains("kind");
      JsonObject noCapacity = TestAgent.mothershipHello(unique("ms"), 1, 1);
      noCapacity.remove("capacity");
      JsonObject noCapacityHello = TestAgent.frame("hello", noCapacity);
      agent.send(noCapacityHello);
      assertThat(assertError(agent.expectError(), "malformed", noCapacityHello.getString("id")).getString("message"))
          .contains("capacity");
      JsonObject noUrls = TestAgent.frame("hello", TestAgent.rainServerHello(unique("rs"), new JsonArray()).copy());
      noUrls.getJsonObject("body").remove("urls");
      agent.send(noUrls);
      assertThat(assertError(agent.expectError(), "malformed", noUrls.getString("id")).getString("message"))
          .contains("urls");

      // None of that cost the connection: a good hello is welcomed, a second one is refused.
      assertThat(agent.hello(TestAgent.genericHello(unique("survivor"))).getString("nodeId")).isNotNull();
      JsonObject again = TestAgent.frame("hello", TestAgent.genericHello(unique("again")));
      agent.send(again);
      assertError(agent.expectError(), "duplicate-hello", again.getString("id"));
      assertThat(agent.closeCode()).isNull();
    }
  }

  @Test
  void aHelloForAnotherProtocolVersionIsRefusedAndTheConnectionClosedWith1002() {
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      JsonObject hello = TestAgent.frame("hello", TestAgent.genericHello(unique("future")).put("protocol", 2));
      agent.send(hello);
      assertError(agent.expectError(), "unsupported-protocol", hello.getString("id"));
      assertThat(agent.awaitClose(5_000)).isEqualTo((short) 1002);
    }
  }

  @Test
  void tenMalformedFramesInARowCloseTheConnectionWith1008ButAGoodFrameBreaksTheRun() {
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      for (int i = 0; i < 9; i++) {
        agent.sendText("{");
        assertError(agent.expectError(), "malformed", null);
      }
      // A well-formed frame (refused only because hello comes first) ends the run of malformed ones.
      agent.send(TestAgent.frame("heartbeat", new JsonObject()));
      assertThat(agent.expectError().getString("code")).isEqualTo("hello-required");
      for (int i = 0; i < 9; i++) {
        agent.sendText("{");
        assertError(agent.expectError(), "malformed", null);
      }
      assertThat(agent.closeCode()).as("open after 9 malformed frames in a row").isNull();

      agent.sendText("{");
      assertThat(agent.awaitClose(5_000)).as("close code after the 10th in a row").isEqualTo((short) 1008);
    }
  }

  @Test
  void aMessageOver1MiBClosesThatSocketWith1009AndTheHubServesOn() {
    String name = unique("big");
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      String nodeId = agent.hello(TestAgent.genericHello(name)).getString("nodeId");
      long mark = eventMark();
      JsonObject big = TestAgent.frame("event", new JsonObject().put("type", "padding")
          .put("pad", "x".repeat(1024 * 1024)));
      agent.sendText(big.encode());
      assertThat(agent.awaitClose(5_000)).as("close code after a message over 1 MiB").isEqualTo((short) 1009);
      assertThat(events(mark, "agent.padding")).as("nothing of the big message was used").isEmpty();

      assertThat(await(hub.client().get("/health/ready").send()).statusCode()).isEqualTo(200);
      try (TestAgent next = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
        JsonObject welcome = next.hello(TestAgent.genericHello(name).put("nodeId", nodeId));
        assertThat(welcome.getString("nodeId")).as("the same node comes back").isEqualTo(nodeId);
      }
    }
  }

  // ------------------------------------------------------------------ bounded payloads (issue 10, item 4)

  /** {@code {"a": {"a": … 1 …}}} nested {@code levels} deep, as text (no recursion to build or encode it). */
  static String nested(int levels) {
    return "{\"a\":".repeat(levels) + "1" + "}".repeat(levels);
  }

  /** A heartbeat frame's text whose {@code metrics} member is {@code metricsJson}, verbatim. */
  static String heartbeatWithMetrics(String frameId, String metricsJson) {
    return "{\"type\":\"heartbeat\",\"id\":\"" + frameId + "\",\"seq\":1,\"ts\":0,\"body\":{\"metrics\":"
        + metricsJson + "}}";
  }

  static String manyKeys(int keys) {
    JsonObject metrics = new JsonObject();
    for (int i = 0; i < keys; i++) {
      metrics.put("k" + i, i);
    }
    return metrics.encode();
  }

  @Test
  void metricsAndEventPayloadsOutOfShapeAreRefusedOverTheSocketNamingTheFieldAndNothingIsKept() {
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      String nodeId = agent.hello(TestAgent.genericHello(unique("shapes"))).getString("nodeId");
      agent.heartbeat(new JsonArray());
      awaitAgent(nodeId, node -> node.getJsonObject("metrics") != null);

      String[][] hostile = {
          {"{\"cpu\": 1e309}", "body.metrics.cpu"},
          {"{\"cpu\": -1e309}", "body.metrics.cpu"},
          {nested(900), "body.metrics"},
          {nested(5), "body.metrics"},
          {manyKeys(65), "body.metrics"},
          {"{\"pad\": \"" + "x".repeat(20 * 1024) + "\"}", "body.metrics.pad"},
          {"{\"load\": [" + "0.5,".repeat(17 * 1024 / 4) + "0.5]}", "body.metrics"},
      };
      for (String[] metrics : hostile) {
        String id = UUID.randomUUID().toString();
        agent.sendText(heartbeatWithMetrics(id, metrics[0]));
        JsonObject error = assertError(agent.expectError(), "invalid-frame", id);
        assertThat(error.getString("field")).as("field of %s", metrics[0].substring(0, Math.min(40, metrics[0].length())))
            .isEqualTo(metrics[1]);
      }
      String deepEvent = UUID.randomUUID().toString();
      agent.sendText("{\"type\":\"event\",\"id\":\"" + deepEvent + "\",\"seq\":1,\"ts\":0,\"body\":{\"type\":\"deep\","
          + "\"detail\":" + nested(900) + "}}");
      assertThat(assertError(agent.expectError(), "invalid-frame", deepEvent).getString("field"))
          .isEqualTo("body.detail");

      // The connection stays usable and the last good metrics are what the hub shows.
      agent.heartbeat(new JsonArray());
      JsonObject listed = awaitAgent(nodeId, node -> node.getJsonObject("metrics") != null);
      assertThat(listed.getJsonObject("metrics").getValue("cpu")).isEqualTo(0.25);
      assertThat(agent.closeCode()).isNull();
    }
  }

  @Test
  void aHostileHeartbeatOverTheHttpFallbackIs400AndTheAgentListAnswersWithinASecond() {
    String token = issueAgentToken().getString("token");
    HttpResponse<Buffer> hello = await(hub.postJson("/agents/http/hello", token,
        TestAgent.frame("hello", TestAgent.genericHello(unique("http-shapes")))));
    assertThat(hello.statusCode()).as(hello.bodyAsString()).isEqualTo(200);
    String nodeId = hello.bodyAsJsonObject().getJsonObject("body").getString("nodeId");

    String[][] hostile = {
        {nested(900), "body.metrics"},
        {"{\"cpu\": 1e309}", "body.metrics.cpu"},
        {"{\"pad\": \"" + "x".repeat(900 * 1024) + "\"}", "body.metrics.pad"},
    };
    for (String[] metrics : hostile) {
      HttpResponse<Buffer> refused = await(hub.client().post("/agents/http/heartbeat?node=" + nodeId)
          .bearerTokenAuthentication(token).putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(heartbeatWithMetrics(UUID.randomUUID().toString(), metrics[0]))));
      JsonObject problem = assertProblem(refused, 400);
      assertThat(problem.getJsonArray("invalid-params").getJsonObject(0).getString("name")).isEqualTo(metrics[1]);

      long asked = System.nanoTime();
      HttpResponse<Buffer> listed = await(hub.get("/v1.0/agents", admin));
      assertThat(listed.statusCode()).isEqualTo(200);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked)).as("GET /v1.0/agents after a hostile heartbeat")
          .isLessThan(1_000);
      assertThat(listed.bodyAsString()).doesNotContain("Infinity");
    }
    HttpResponse<Buffer> deepEvent = await(hub.client().post("/agents/http/frames?node=" + nodeId)
        .bearerTokenAuthentication(token).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"type\":\"event\",\"id\":\"e1\",\"seq\":1,\"ts\":0,\"body\":{\"type\":\"deep\","
            + "\"detail\":" + nested(900) + "}}")));
    assertThat(assertProblem(deepEvent, 400).getJsonArray("invalid-params").getJsonObject(0).getString("name"))
        .isEqualTo("body.detail");
  }

  @Test
  void theAgentListIsPagedWithStartAndRange() {
    try (TestAgent one = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()));
         TestAgent two = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      one.hello(TestAgent.genericHello(unique("paged")));
      two.hello(TestAgent.genericHello(unique("paged")));
      JsonObject all = getJson("/v1.0/agents");
      assertThat(all.getInteger("start")).isZero();
      assertThat(all.getInteger("range")).isEqualTo(50);
      int total = all.getInteger("total");
      assertThat(total).isGreaterThanOrEqualTo(2);

      JsonObject first = getJson("/v1.0/agents?start=0&range=1");
      JsonObject second = getJson("/v1.0/agents?start=1&range=1");
      assertThat(first.getJsonArray("items")).hasSize(1);
      assertThat(second.getJsonArray("items")).hasSize(1);
      assertThat(first.getInteger("total")).isEqualTo(total);
      assertThat(first.getJsonArray("items").getJsonObject(0).getString("nodeId"))
          .isNotEqualTo(second.getJsonArray("items").getJsonObject(0).getString("nodeId"));
      assertThat(getJson("/v1.0/agents?start=" + total).getJsonArray("items")).isEmpty();
      for (String query : List.of("range=0", "range=1001", "start=-1", "start=x")) {
        JsonObject problem = assertProblem(await(hub.get("/v1.0/agents?" + query, admin)), 400);
        assertThat(problem.getJsonArray("invalid-params").getJsonObject(0).getString("name"))
            .isEqualTo(query.substring(0, query.indexOf('=')));
      }
    }
  }

  // ------------------------------------------------------------------ liveness

  @Test
  void aSilentMothershipIsSuspectThenLostItsInstanceMovesAndOnReturnItIsToldToStopIt() {
    String pool = unique("pool");
    long mark = eventMark();
    String nameA = unique("ms-a");
    String nameB = unique("ms-b");
    TestAgent a = mothershipAgent(nameA, pool).keepAlive();
    TestAgent b = mothershipAgent(nameB, pool).keepAlive();
    try {
      JsonObject placed = instantiate(deployComponent(pool));
      String instanceId = placed.getString("instanceId");
      String victimId = placed.getString("mothershipId");
      TestAgent victim = victimId.equals(a.nodeId()) ? a : b;
      TestAgent survivor = victim == a ? b : a;
      String victimName = victim == a ? nameA : nameB;
      String survivorId = survivor.nodeId();
      JsonObject start = victim.expectCommand("instantiate");
      victim.result(start, "succeeded");
      JsonArray runningThere = new JsonArray().add(new JsonObject().put("instanceId", instanceId)
          .put("state", "RUNNING").put("generation", 0));
      victim.reportInstances(runningThere);
      awaitState("/webcomponent/" + instanceId, "RUNNING");

      victim.stopHeartbeats();
      sleep(30);
      long silentSince = victim.lastHeartbeatAt();

      JsonObject lost = awaitEvent(mark, "node.lost", victimId);
      JsonObject suspect = first(events(mark, "node.suspect"), victimId);
      assertThat(suspect).as("node.suspect before node.lost").isNotNull();
      assertThat(suspect.getLong("seq")).isLessThan(lost.getLong("seq"));
      long suspectAfter = millis(suspect.getString("createdAt")) - silentSince;
      long lostAfter = millis(lost.getString("createdAt")) - silentSince;
      assertThat(suspectAfter).as("SUSPECT after two missed heartbeats").isGreaterThanOrEqualTo(2 * HEARTBEAT_MS);
      assertThat(lostAfter).as("LOST after the TTL, within 500 ms of it").isBetween(TTL_MS, TTL_MS + 500);
      assertThat(events(mark, "node.online")).as("no flapping back while silent")
          .noneMatch(e -> e.encode().contains(victimId) && e.getLong("seq") > suspect.getLong("seq"));

      JsonObject lostRecord = getJson("/mothership/" + victimId);
      assertThat(lostRecord.getString("state")).isEqualTo("LOST");
      assertThat(lostRecord.getJsonObject("reserved").getDouble("cpu")).isZero();
      assertThat(lostRecord.getInteger("instanceCount")).isZero();

      JsonObject rescheduledEvent = awaitEvent(mark, "instance.rescheduled", instanceId);
      assertThat(rescheduledEvent.getLong("seq")).as("node.lost is logged before the reschedule it causes")
          .isGreaterThan(lost.getLong("seq"));
      JsonObject rescheduled = rescheduledEvent.getJsonObject("payload");
      assertThat(rescheduled.getString("from")).isEqualTo(victimId);
      assertThat(rescheduled.getString("to")).isEqualTo(survivorId);
      JsonObject moved = getJson("/webcomponent/" + instanceId);
      assertThat(moved.getString("state")).isEqualTo("PLACED");
      assertThat(moved.getJsonArray("placements")).hasSize(1);
      assertThat(moved.getJsonArray("placements").getJsonObject(0).getString("mothershipId")).isEqualTo(survivorId);
      assertThat(moved.getJsonArray("placements").getJsonObject(0).getString("role")).isEqualTo("primary");
      JsonObject restart = survivor.expectCommand("instantiate");
      assertThat(restart.getJsonObject("body").getJsonObject("args").getString("instanceId")).isEqualTo(instanceId);
      assertThat(restart.getJsonObject("body").getJsonObject("args").getString("role")).isEqualTo("primary");
      survivor.result(restart, "succeeded");
      survivor.reportInstances(runningThere);
      awaitState("/webcomponent/" + instanceId, "RUNNING");

      // The lost node's agent returns on a new connection, still running the instance that moved away.
      long returnMark = eventMark();
      try (TestAgent back = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
        JsonObject welcome = back.hello(TestAgent.mothershipHello(victimName, 4, 4096).put("labels", pool(pool))
            .put("nodeId", victimId).put("lastCommandSeq", start.getLong("seq")).put("instances", runningThere));
        assertThat(welcome.getString("nodeId")).isEqualTo(victimId);
        assertThat(welcome.getString("state")).isEqualTo("AVAILABLE");
        assertThat(victim.awaitClose(5_000)).as("the old connection is replaced").isEqualTo((short) 1008);
        JsonObject returned = awaitEvent(returnMark, "node.returned", victimId).getJsonObject("payload");
        assertThat(returned.getString("previousState")).isEqualTo("LOST");

        JsonObject stop = back.expectCommand("stop");
        assertThat(stop.getJsonObject("body").getJsonObject("args").getString("instanceId")).isEqualTo(instanceId);
        // Heartbeats that still report it while the stop is pending do not pile up more stops.
        back.reportInstances(runningThere);
        back.keepAlive();
        sleep(3 * TestAgent.KEEPALIVE_MILLIS + 50);
        assertThat(commandsOf(victimId).stream().filter(c -> c.getString("action").equals("stop")
            && instanceId.equals(c.getJsonObject("args").getString("instanceId")))).hasSize(1);
        back.result(stop, "succeeded");
        back.reportInstances(new JsonArray());

        awaitJson("/v1.0/commands/" + stop.getJsonObject("body").getString("commandId"),
            command -> "SUCCEEDED".equals(command.getString("state")), "the stop command SUCCEEDED");
        JsonObject after = getJson("/webcomponent/" + instanceId);
        assertThat(after.getString("state")).as("the moved instance is untouched").isEqualTo("RUNNING");
        assertThat(after.getJsonArray("placements").getJsonObject(0).getString("mothershipId")).isEqualTo(survivorId);
        assertThat(getJson("/mothership/" + victimId).getString("state")).isEqualTo("AVAILABLE");
      }
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void aShortSilenceMakesAMothershipSuspectButItKeepsItsInstances() {
    String pool = unique("pool");
    try (TestAgent agent = mothershipAgent(unique("ms"), pool).keepAlive()) {
      String nodeId = agent.nodeId();
      String instanceId = instantiate(deployComponent(pool)).getString("instanceId");
      agent.result(agent.expectCommand("instantiate"), "succeeded");
      awaitState("/webcomponent/" + instanceId, "RUNNING");
      long mark = eventMark();

      agent.stopHeartbeats();
      // Heartbeats resume as soon as the node is SUSPECT (after 2 intervals), well before the TTL.
      long deadline = System.currentTimeMillis() + 5_000;
      while (!"SUSPECT".equals(getJson("/mothership/" + nodeId).getString("state"))) {
        assertThat(System.currentTimeMillis()).as("SUSPECT within 5 s").isLessThan(deadline);
      }
      agent.keepAlive();

      JsonObject online = awaitEvent(mark, "node.online", nodeId).getJsonObject("payload");
      assertThat(online.getString("previousState")).isEqualTo("SUSPECT");
      assertThat(first(events(mark, "node.suspect"), nodeId)).isNotNull();
      assertThat(getJson("/mothership/" + nodeId).getString("state")).isEqualTo("AVAILABLE");
      JsonObject instance = getJson("/webcomponent/" + instanceId);
      assertThat(instance.getString("state")).isEqualTo("RUNNING");
      assertThat(instance.getJsonArray("placements").getJsonObject(0).getString("mothershipId")).isEqualTo(nodeId);
      assertThat(events(mark, "node.lost,instance.rescheduled,instance.unplaced"))
          .filteredOn(e -> e.encode().contains(nodeId) || e.encode().contains(instanceId)).isEmpty();
    }
  }

  // ------------------------------------------------------------------ delivery across reconnects

  @Test
  void aCommandQueuedWhileTheAgentIsAwayIsDeliveredWhenItReturns() {
    String pool = unique("pool");
    String name = unique("ms");
    String nodeId;
    try (TestAgent agent = mothershipAgent(name, pool)) {
      nodeId = agent.nodeId();
    }
    awaitState("/mothership/" + nodeId, "LOST");

    HttpResponse<Buffer> timedOut = await(hub.postJson("/v1.0/nodes/" + nodeId + "/commands", admin, new JsonObject()
        .put("action", "guest").put("args", new JsonObject().put("command", "echo hi")).put("timeoutMs", 200)));
    String commandId = assertProblem(timedOut, 504).getString("commandId");
    assertThat(commandId).isNotNull();
    JsonObject stored = getJson("/v1.0/commands/" + commandId);
    assertThat(stored.getString("state")).isEqualTo("PENDING");
    assertThat(stored.getString("nodeId")).isEqualTo(nodeId);
    String laterId = assertProblem(await(hub.postJson("/v1.0/nodes/" + nodeId + "/commands", admin, new JsonObject()
        .put("action", "guest").put("args", new JsonObject().put("command", "echo later")).put("timeoutMs", 100))), 504)
        .getString("commandId");

    try (TestAgent back = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      back.hello(TestAgent.mothershipHello(name, 4, 4096).put("labels", pool(pool)).put("nodeId", nodeId)
          .put("lastCommandSeq", 0));
      JsonObject command = back.expect("command");
      assertThat(command.getJsonObject("body").getString("commandId")).isEqualTo(commandId);
      assertThat(command.getLong("seq")).isEqualTo(stored.getLong("seq"));
      assertThat(command.getJsonObject("body").getString("action")).isEqualTo("guest");
      assertThat(command.getJsonObject("body").getJsonObject("args").getString("command")).isEqualTo("echo hi");
      assertThat(command.getJsonObject("body").getString("expiresAt")).isNotNull();
      JsonObject later = back.expect("command");
      assertThat(later.getJsonObject("body").getString("commandId")).as("then the next one, in order").isEqualTo(laterId);
      assertThat(later.getLong("seq")).isEqualTo(command.getLong("seq") + 1);
      back.result(command, "succeeded", new JsonArray().add("hi"));
      back.result(later, "succeeded");

      JsonObject done = awaitJson("/v1.0/commands/" + commandId, c -> "SUCCEEDED".equals(c.getString("state")),
          "the command SUCCEEDED");
      assertThat(done.getJsonObject("result").getJsonArray("output")).containsExactly("hi");
      assertThat(done.getString("finishedAt")).isNotNull();
    }
  }

  @Test
  void aCommandWithoutResultIsSentAgainAfterAReconnectAndARepeatedResultChangesNothing() {
    String pool = unique("pool");
    String name = unique("ms");
    long mark = eventMark();
    TestAgent first = mothershipAgent(name, pool).keepAlive();
    String nodeId = first.nodeId();
    JsonObject command;
    try {
      Future<HttpResponse<Buffer>> reply = hub.postJson("/v1.0/nodes/" + nodeId + "/commands", admin, new JsonObject()
          .put("action", "guest").put("args", new JsonObject().put("command", "true")).put("timeoutMs", 300));
      command = first.expectCommand("guest");
      first.ack(command);
      assertProblem(await(reply), 504);
    } finally {
      first.close();
    }
    String commandId = command.getJsonObject("body").getString("commandId");

    try (TestAgent again = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      // It even says it finished that sequence: no result reached the hub, so it comes again.
      again.hello(TestAgent.mothershipHello(name, 4, 4096).put("labels", pool(pool)).put("nodeId", nodeId)
          .put("lastCommandSeq", command.getLong("seq")));
      JsonObject resent = again.expectCommand("guest");
      assertThat(resent.getJsonObject("body").getString("commandId")).isEqualTo(commandId);
      assertThat(resent.getLong("seq")).isEqualTo(command.getLong("seq"));

      again.result(resent, "succeeded", new JsonArray().add("once"));
      awaitJson("/v1.0/commands/" + commandId, c -> "SUCCEEDED".equals(c.getString("state")), "SUCCEEDED");
      again.result(resent, "failed", new JsonArray().add("twice"));
      // Frames of one connection reach the hypervisor in order: once this event is logged, so was the repeat.
      again.send(TestAgent.frame("event", new JsonObject().put("type", "marker")));
      awaitEvent(mark, "agent.marker", nodeId);

      JsonObject after = getJson("/v1.0/commands/" + commandId);
      assertThat(after.getString("state")).isEqualTo("SUCCEEDED");
      assertThat(after.getJsonObject("result").getJsonArray("output")).containsExactly("once");
      assertThat(events(mark, "command.succeeded")).filteredOn(e -> e.encode().contains(commandId)).hasSize(1);
      assertThat(events(mark, "command.failed")).filteredOn(e -> e.encode().contains(commandId)).isEmpty();
    }
  }

  @Test
  void aCommandNoAgentCollectsExpiresAndIsNeverDelivered() {
    String name = unique("away");
    String nodeId;
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      nodeId = agent.hello(TestAgent.genericHello(name)).getString("nodeId");
    }
    long mark = eventMark();
    String commandId = assertProblem(await(hub.postJson("/v1.0/nodes/" + nodeId + "/commands", admin, new JsonObject()
        .put("action", "guest").put("args", new JsonObject().put("command", "true")).put("timeoutMs", 100))), 504)
        .getString("commandId");

    JsonObject expired = awaitJson("/v1.0/commands/" + commandId, c -> "EXPIRED".equals(c.getString("state")),
        "EXPIRED after " + COMMAND_EXPIRY_SECONDS + " s");
    assertThat(millis(expired.getString("expiresAt")) - millis(expired.getString("createdAt")))
        .isEqualTo(COMMAND_EXPIRY_SECONDS * 1000);
    assertThat(millis(expired.getString("finishedAt"))).as("not before expiresAt")
        .isGreaterThanOrEqualTo(millis(expired.getString("expiresAt")));
    assertThat(expired.getValue("result")).isNull();
    assertThat(awaitEvent(mark, "command.expired", commandId)).isNotNull();

    try (TestAgent back = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      back.hello(TestAgent.genericHello(name).put("nodeId", nodeId));
      JsonObject frame = back.next(500);
      assertThat(frame).as("an expired command is not delivered").isNull();
    }
  }

  // ------------------------------------------------------------------ request-reply

  @Test
  void aCommandSentOverTheApiIsAnsweredWithTheAgentsResult() {
    try (TestAgent agent = mothershipAgent(unique("ms"), unique("pool")).keepAlive()) {
      String path = "/v1.0/nodes/" + agent.nodeId() + "/commands";
      Future<HttpResponse<Buffer>> reply = hub.postJson(path, admin, new JsonObject().put("action", "guest")
          .put("args", new JsonObject().put("command", "uname -s")).put("timeoutMs", 10_000));
      JsonObject command = agent.expectCommand("guest");
      assertThat(command.getJsonObject("body").getJsonObject("args").getString("command")).isEqualTo("uname -s");
      // Another node cannot finish this node's command.
      try (TestAgent other = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
        String otherId = other.hello(TestAgent.genericHello(unique("other"))).getString("nodeId");
        long mark = eventMark();
        other.result(command, "failed", new JsonArray().add("not mine"));
        other.send(TestAgent.frame("event", new JsonObject().put("type", "marker")));
        awaitEvent(mark, "agent.marker", otherId);
        assertThat(reply.isComplete()).as("still waiting for the right node").isFalse();
        assertThat(getJson("/v1.0/commands/" + command.getJsonObject("body").getString("commandId")).getString("state"))
            .isEqualTo("PENDING");
      }
      agent.result(command, "succeeded", new JsonArray().add("Linux"));
      HttpResponse<Buffer> answered = await(reply);
      assertThat(answered.statusCode()).as(answered.bodyAsString()).isEqualTo(200);
      JsonObject body = answered.bodyAsJsonObject();
      assertThat(body.getString("commandId")).isEqualTo(command.getJsonObject("body").getString("commandId"));
      assertThat(body.getString("state")).isEqualTo("SUCCEEDED");
      assertThat(body.getString("action")).isEqualTo("guest");
      assertThat(body.getJsonObject("result").getJsonArray("output")).containsExactly("Linux");
      assertThat(body.getJsonObject("result").getInteger("exitCode")).isZero();

      // A failed command is an answer too.
      Future<HttpResponse<Buffer>> failing = hub.postJson(path, admin, new JsonObject().put("action", "update")
          .put("args", new JsonObject().put("instanceId", "nope")));
      agent.result(agent.expectCommand("update"), "failed", new JsonArray().add("no such instance"));
      HttpResponse<Buffer> failed = await(failing);
      assertThat(failed.statusCode()).as(failed.bodyAsString()).isEqualTo(200);
      assertThat(failed.bodyAsJsonObject().getString("state")).isEqualTo("FAILED");
      assertThat(failed.bodyAsJsonObject().getJsonObject("result").getString("status")).isEqualTo("failed");

      assertThat(commandsOf(agent.nodeId())).extracting(c -> c.getString("state"))
          .as("newest first").containsExactly("FAILED", "SUCCEEDED");

      assertInvalid(path, new JsonObject().put("action", "instantiate"), "action");
      assertInvalid(path, new JsonObject().put("args", new JsonObject()), "action");
      assertInvalid(path, new JsonObject().put("action", "guest").put("args", "echo hi"), "args");
      assertInvalid(path, new JsonObject().put("action", "guest").put("timeoutMs", 0), "timeoutMs");
      assertThat(commandsOf(agent.nodeId())).as("refused commands are not queued").hasSize(2);
    }
  }

  @Test
  void commandsForUnknownNodesAndNodesWithoutAgentAreNotFound() {
    JsonObject guest = new JsonObject().put("action", "guest").put("args", new JsonObject().put("command", "true"));
    assertProblem(await(hub.postJson("/v1.0/nodes/" + UUID.randomUUID() + "/commands", admin, guest)), 404);
    JsonObject restOnly = await(hub.postJson("/mothership/", admin, new JsonObject().put("name", unique("rest"))
        .put("address", "rest.test:9000").put("labels", pool(unique("pool")))
        .put("capacity", new JsonObject().put("cpu", 1).put("ramMb", 128).put("bandwidthMbps", 1)))).bodyAsJsonObject();
    assertProblem(await(hub.postJson("/v1.0/nodes/" + restOnly.getString("id") + "/commands", admin, guest)), 404);
    assertProblem(await(hub.get("/v1.0/commands/" + UUID.randomUUID(), admin)), 404);
  }

  // ------------------------------------------------------------------ stopping

  @Test
  void aLoneMothershipThatReturnsStillRunningItsUnplacedInstanceGetsItBackWithoutAStop() {
    String pool = unique("pool");
    String name = unique("ms-lone");
    TestAgent lone = mothershipAgent(name, pool).keepAlive();
    String nodeId = lone.nodeId();
    JsonObject placed = instantiate(deployComponent(pool));
    String instanceId = placed.getString("instanceId");
    lone.result(lone.expectCommand("instantiate"), "succeeded");
    JsonArray running = new JsonArray().add(new JsonObject().put("instanceId", instanceId)
        .put("state", "RUNNING").put("generation", 0));
    lone.reportInstances(running);
    awaitState("/webcomponent/" + instanceId, "RUNNING");

    long mark = eventMark();
    lone.stopHeartbeats();
    awaitEvent(mark, "node.lost", nodeId);
    awaitState("/webcomponent/" + instanceId, "UNPLACED");
    lone.close();

    try (TestAgent back = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      back.hello(TestAgent.mothershipHello(name, 4, 4096).put("labels", pool(pool)).put("nodeId", nodeId)
          .put("instances", running));
      awaitEvent(mark, "instance.recovered", instanceId);
      JsonObject recovered = getJson("/webcomponent/" + instanceId);
      assertThat(recovered.getString("state")).isEqualTo("RUNNING");
      assertThat(recovered.getJsonArray("placements").getJsonObject(0).getString("mothershipId")).isEqualTo(nodeId);
      assertThat(getJson("/mothership/" + nodeId).getJsonObject("reserved").getDouble("cpu")).isPositive();
      sleep(300);
      assertThat(commandsOf(nodeId).stream().filter(c -> c.getString("action").equals("stop"))).as("nothing to stop")
          .isEmpty();
    }
  }

  @Test
  void anUnplacedInstanceIsPlacedAgainAsSoonAsAMothershipWithRoomRegisters() {
    String pool = unique("pool");
    TestAgent lone = mothershipAgent(unique("ms-gone"), pool).keepAlive();
    String instanceId = instantiate(deployComponent(pool)).getString("instanceId");
    long mark = eventMark();
    lone.stopHeartbeats();
    awaitEvent(mark, "node.lost", lone.nodeId());
    awaitState("/webcomponent/" + instanceId, "UNPLACED");
    lone.close();

    try (TestAgent fresh = mothershipAgent(unique("ms-new"), pool).keepAlive()) {
      JsonObject start = fresh.expectCommand("instantiate");
      assertThat(start.getJsonObject("body").getJsonObject("args").getString("instanceId")).isEqualTo(instanceId);
      awaitEvent(mark, "instance.rescheduled", instanceId);
      JsonObject placedAgain = getJson("/webcomponent/" + instanceId);
      assertThat(placedAgain.getString("state")).isEqualTo("PLACED");
      assertThat(placedAgain.getJsonArray("placements").getJsonObject(0).getString("mothershipId"))
          .isEqualTo(fresh.nodeId());
    }
  }

  @Test
  void aFloodOfHeartbeatsIsAbsorbedAndTheNewestOneWins() {
    String pool = unique("pool");
    try (TestAgent flooder = mothershipAgent(unique("ms-flood"), pool)) {
      double receivedBefore = metric("rainhub_agent_frames_received_total");
      double appliedBefore = metric("rainhub_agent_heartbeat_applied_seconds_count");
      int frames = 20_000;
      for (int i = 1; i <= frames; i++) {
        flooder.send(TestAgent.frame("heartbeat", new JsonObject().put("metrics", new JsonObject().put("cpu", i / (double) frames))
            .put("instances", new JsonArray())));
      }
      JsonObject node = awaitAgent(flooder.nodeId(), n -> n.getJsonObject("metrics") != null
          && n.getJsonObject("metrics").getDouble("cpu") == 1.0);
      assertThat(node.getString("state")).isEqualTo("AVAILABLE");
      assertThat(await(hub.client().get("/health/ready").send()).statusCode()).isEqualTo(200);
      double received = metric("rainhub_agent_frames_received_total") - receivedBefore;
      double applied = metric("rainhub_agent_heartbeat_applied_seconds_count") - appliedBefore;
      assertThat(received).isGreaterThanOrEqualTo(frames);
      assertThat(applied).as("heartbeats that arrive while one is applied replace each other").isLessThan(received);
    }
  }

  /** A counter's value in /metrics (Prometheus text), 0 when absent. */
  double metric(String name) {
    for (String line : await(hub.client().get("/metrics").send()).bodyAsString().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Test
  void stoppingAnInstanceOnAnAgentMothershipWaitsForTheAgentThenReleasesItsCapacity() {
    String pool = unique("pool");
    try (TestAgent agent = mothershipAgent(unique("ms"), pool).keepAlive()) {
      String nodeId = agent.nodeId();
      long mark = eventMark();
      String instanceId = instantiate(deployComponent(pool)).getString("instanceId");
      agent.result(agent.expectCommand("instantiate"), "succeeded");
      agent.reportInstances(new JsonArray().add(new JsonObject().put("instanceId", instanceId)
          .put("state", "RUNNING").put("generation", 0)));
      awaitState("/webcomponent/" + instanceId, "RUNNING");
      assertThat(getJson("/mothership/" + nodeId).getJsonObject("reserved").getDouble("cpu")).isEqualTo(1.0);

      HttpResponse<Buffer> stopping = await(hub.client().delete("/webcomponent/" + instanceId)
          .bearerTokenAuthentication(admin).send());
      assertThat(stopping.statusCode()).as(stopping.bodyAsString()).isEqualTo(200);
      assertThat(stopping.bodyAsJsonObject().getString("state")).isEqualTo("STOPPING");
      JsonObject stop = agent.expectCommand("stop");
      assertThat(stop.getJsonObject("body").getJsonObject("args").getString("instanceId")).isEqualTo(instanceId);
      // Until the agent confirms, the instance holds its capacity.
      assertThat(getJson("/webcomponent/" + instanceId).getString("state")).isEqualTo("STOPPING");
      assertThat(getJson("/mothership/" + nodeId).getJsonObject("reserved").getDouble("cpu")).isEqualTo(1.0);

      agent.result(stop, "succeeded");
      agent.reportInstances(new JsonArray());
      awaitStatus("/webcomponent/" + instanceId, 404);
      JsonObject mothership = getJson("/mothership/" + nodeId);
      assertThat(mothership.getJsonObject("reserved").getDouble("cpu")).isZero();
      assertThat(mothership.getJsonObject("reserved").getInteger("ramMb")).isZero();
      assertThat(mothership.getInteger("instanceCount")).isZero();
      assertThat(awaitEvent(mark, "instance.stopped", instanceId).getJsonObject("payload").getString("state"))
          .isEqualTo("STOPPED");
    }
  }

  // ------------------------------------------------------------------ rain servers

  @Test
  void aRainServerAgentIsListedAndToldAboutEveryChangeOfItsWiring() {
    String pool = unique("pool");
    String prefix = "/" + unique("site");
    String serverName = unique("rs");
    JsonArray urls = new JsonArray().add(prefix + "/*");
    try (TestAgent server = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()));
         TestAgent mothership = mothershipAgent(unique("ms"), pool).keepAlive()) {
      JsonObject welcome = server.hello(TestAgent.rainServerHello(serverName, urls));
      server.keepAlive();
      String serverId = welcome.getString("nodeId");
      assertThat(welcome.getString("kind")).isEqualTo("rainserver");
      JsonObject listed = first(getJson("/rainservers/all").getJsonArray("items").stream()
          .map(JsonObject.class::cast).toList(), serverId);
      assertThat(listed).as("listed in /rainservers/all").isNotNull();
      assertThat(listed.getString("name")).isEqualTo(serverName);
      assertThat(listed.getString("state")).isEqualTo("AVAILABLE");

      // An instance serving its URLs: the server is wired to the instance's mothership.
      instantiate(deployComponent(pool, prefix + "/cart"));
      JsonObject connect = server.expectCommand("connect");
      assertThat(connect.getJsonObject("body").getJsonObject("args").getString("mothershipId"))
          .isEqualTo(mothership.nodeId());
      assertThat(connect.getJsonObject("body").getJsonObject("args").getString("address")).isNotBlank();
      server.result(connect, "succeeded");

      // The mothership is lost: the wire goes, and the server is told.
      mothership.stopHeartbeats();
      JsonObject disconnect = server.expectCommand("disconnect");
      assertThat(disconnect.getJsonObject("body").getJsonObject("args").getString("mothershipId"))
          .isEqualTo(mothership.nodeId());
      assertThat(disconnect.getLong("seq")).as("sequence per node, no gaps").isEqualTo(connect.getLong("seq") + 1);
      server.result(disconnect, "succeeded");

      HttpResponse<Buffer> reset = await(hub.client().put("/rainservers/" + serverId)
          .bearerTokenAuthentication(admin).send());
      assertThat(reset.statusCode()).as(reset.bodyAsString()).isEqualTo(200);
      JsonObject resetCommand = server.expectCommand("reset");
      assertThat(resetCommand.getLong("seq")).isEqualTo(disconnect.getLong("seq") + 1);
      server.result(resetCommand, "succeeded");

      // The server itself is lost; when its agent returns it is reset, whatever it remembers.
      server.stopHeartbeats();
      awaitAgent(serverId, node -> "LOST".equals(node.getString("state")));
      try (TestAgent back = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
        JsonObject again = back.hello(TestAgent.rainServerHello(serverName, urls).put("nodeId", serverId)
            .put("lastCommandSeq", resetCommand.getLong("seq")));
        assertThat(again.getString("nodeId")).isEqualTo(serverId);
        JsonObject resetOnReturn = back.expectCommand("reset");
        assertThat(resetOnReturn.getLong("seq")).isEqualTo(resetCommand.getLong("seq") + 1);
      }
    }
  }

  // ------------------------------------------------------------------ HTTP fallback

  @Test
  void theHttpFallbackSpeaksTheSameProtocol() {
    JsonObject issued = issueAgentToken();
    String token = issued.getString("token");
    String pool = unique("pool");
    HttpResponse<Buffer> hello = await(hub.postJson("/agents/http/hello", token,
        TestAgent.frame("hello", TestAgent.mothershipHello(unique("http-ms"), 4, 4096).put("labels", pool(pool)))));
    assertThat(hello.statusCode()).as(hello.bodyAsString()).isEqualTo(200);
    assertThat(hello.bodyAsJsonObject().getString("type")).isEqualTo("welcome");
    JsonObject welcome = hello.bodyAsJsonObject().getJsonObject("body");
    String nodeId = welcome.getString("nodeId");
    assertThat(welcome.getLong("heartbeatIntervalMs")).isEqualTo(HEARTBEAT_MS);
    assertThat(getJson("/mothership/" + nodeId).getBoolean("agentManaged")).isTrue();

    // Heartbeats over HTTP keep the node alive past the TTL, like socket heartbeats.
    long until = System.currentTimeMillis() + TTL_MS + 300;
    while (System.currentTimeMillis() < until) {
      HttpResponse<Buffer> beat = await(hub.postJson("/agents/http/heartbeat?node=" + nodeId, token,
          TestAgent.frame("heartbeat", new JsonObject().put("metrics", new JsonObject().put("cpu", 0.5)))));
      assertThat(beat.statusCode()).as(beat.bodyAsString()).isEqualTo(204);
      sleep(HEARTBEAT_MS / 2);
    }
    assertThat(getJson("/mothership/" + nodeId).getString("state")).isEqualTo("AVAILABLE");
    // Kept alive in the background from here on.
    long beating = hub.vertx().setPeriodic(TestAgent.KEEPALIVE_MILLIS, t -> hub.postJson(
        "/agents/http/heartbeat?node=" + nodeId, token, TestAgent.frame("heartbeat", new JsonObject())));
    try {
      // A queued command is in the next poll, and stays there until its result arrives.
      Future<HttpResponse<Buffer>> reply = hub.postJson("/v1.0/nodes/" + nodeId + "/commands", admin,
          new JsonObject().put("action", "guest").put("args", new JsonObject().put("command", "date")));
      JsonObject command = pollCommands(token, nodeId, 5_000).getJsonObject(0);
      assertThat(command.getString("type")).isEqualTo("command");
      assertThat(command.getJsonObject("body").getString("action")).isEqualTo("guest");
      assertThat(pollCommands(token, nodeId, 0)).as("still pending: polled again").hasSize(1);
      HttpResponse<Buffer> result = await(hub.postJson("/agents/http/frames?node=" + nodeId, token,
          TestAgent.frame("result", new JsonObject().put("commandId", command.getJsonObject("body").getString("commandId"))
              .put("seq", command.getLong("seq")).put("status", "succeeded").put("output", new JsonArray().add("today")))));
      assertThat(result.statusCode()).as(result.bodyAsString()).isEqualTo(204);
      HttpResponse<Buffer> answered = await(reply);
      assertThat(answered.statusCode()).as(answered.bodyAsString()).isEqualTo(200);
      assertThat(answered.bodyAsJsonObject().getString("state")).isEqualTo("SUCCEEDED");

      // With nothing pending, a poll waits its time and answers empty...
      long before = System.currentTimeMillis();
      assertThat(pollCommands(token, nodeId, 300)).isEmpty();
      assertThat(System.currentTimeMillis() - before).as("waited waitMs").isGreaterThanOrEqualTo(280);
      // ...but answers as soon as a command is queued.
      Future<HttpResponse<Buffer>> longPoll = hub.client()
          .get("/agents/http/commands?node=" + nodeId + "&waitMs=10000").bearerTokenAuthentication(token).send();
      sleep(300);
      long queuedAt = System.currentTimeMillis();
      hub.postJson("/v1.0/nodes/" + nodeId + "/commands", admin,
          new JsonObject().put("action", "guest").put("args", new JsonObject().put("command", "true")).put("timeoutMs", 200));
      HttpResponse<Buffer> woken = await(longPoll);
      assertThat(System.currentTimeMillis() - queuedAt).as("long poll answered when the command was queued")
          .isLessThan(2_000);
      assertThat(woken.statusCode()).isEqualTo(200);
      assertThat(woken.bodyAsJsonObject().getJsonArray("commands")).hasSize(1);

      // Refusals are problem documents.
      assertThat(assertProblem(await(hub.client().get("/agents/http/commands?node=" + nodeId + "&waitMs=30001")
          .bearerTokenAuthentication(token).send()), 400).getJsonArray("invalid-params").getJsonObject(0)
          .getString("name")).isEqualTo("waitMs");
      assertThat(assertProblem(await(hub.client().get("/agents/http/commands?waitMs=0")
          .bearerTokenAuthentication(token).send()), 400).getJsonArray("invalid-params").getJsonObject(0)
          .getString("name")).isEqualTo("node");
      assertProblem(await(hub.postJson("/agents/http/heartbeat?node=" + nodeId, token,
          new JsonObject().put("type", "heartbeat").put("body", new JsonObject()))), 400);
      assertProblem(await(hub.postJson("/agents/http/frames?node=" + nodeId, token,
          TestAgent.frame("heartbeat", new JsonObject()))), 400);
      assertProblem(await(hub.postJson("/agents/http/heartbeat?node=" + UUID.randomUUID(), token,
          TestAgent.frame("heartbeat", new JsonObject()))), 404);
      assertProblem(await(hub.client().post("/agents/http/hello").sendJsonObject(
          TestAgent.frame("hello", TestAgent.genericHello(unique("anon"))))), 401);
      assertProblem(await(hub.postJson("/agents/http/hello", admin,
          TestAgent.frame("hello", TestAgent.genericHello(unique("person"))))), 401);
      assertProblem(await(hub.client().get("/agents/http/commands?node=" + nodeId + "&waitMs=0").send()), 401);

      // A revoked token is refused at once over HTTP too.
      await(hub.client().delete("/v1.0/agent-tokens/" + issued.getString("id")).bearerTokenAuthentication(admin).send());
      assertProblem(await(hub.postJson("/agents/http/heartbeat?node=" + nodeId, token,
          TestAgent.frame("heartbeat", new JsonObject()))), 401);
    } finally {
      hub.vertx().cancelTimer(beating);
    }
  }

  @Test
  void aGoodbyeOverTheHttpFallbackMakesTheNodeLeftAtOnceNotLost() {
    String token = issueAgentToken().getString("token");
    HttpResponse<Buffer> hello = await(hub.postJson("/agents/http/hello", token,
        TestAgent.frame("hello", TestAgent.mothershipHello(unique("http-bye"), 4, 4096).put("labels", pool(unique("pool"))))));
    assertThat(hello.statusCode()).as(hello.bodyAsString()).isEqualTo(200);
    String nodeId = hello.bodyAsJsonObject().getJsonObject("body").getString("nodeId");
    long mark = eventMark();

    long saidAt = System.currentTimeMillis();
    HttpResponse<Buffer> goodbye = await(hub.postJson("/agents/http/frames?node=" + nodeId, token,
        TestAgent.frame("goodbye", new JsonObject().put("reason", "agent stopped"))));

    assertThat(goodbye.statusCode()).as(goodbye.bodyAsString()).isEqualTo(204);
    awaitState("/mothership/" + nodeId, "LEFT");
    assertThat(System.currentTimeMillis() - saidAt).as("left at once, not after the TTL").isLessThan(TTL_MS);
    assertThat(awaitEvent(mark, "node.left", nodeId)).isNotNull();
    sleep(TTL_MS + 200);
    assertThat(events(mark, "node.lost,node.suspect")).as("never suspect nor lost").filteredOn(
        event -> event.encode().contains(nodeId)).isEmpty();
    assertProblem(await(hub.postJson("/agents/http/frames?node=" + nodeId, token,
        TestAgent.frame("goodbye", new JsonObject().put("reason", "x".repeat(201))))), 400);
  }

  // ------------------------------------------------------------------ what operators see

  @Test
  void theAgentListShowsEachNodesLivenessMetricsAndPendingCommands() {
    String name = unique("listed");
    String nodeId;
    try (TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()))) {
      nodeId = agent.hello(TestAgent.genericHello(name)).getString("nodeId");
      long before = System.currentTimeMillis();
      agent.keepAlive();
      assertProblem(await(hub.postJson("/v1.0/nodes/" + nodeId + "/commands", admin, new JsonObject()
          .put("action", "guest").put("args", new JsonObject().put("command", "true")).put("timeoutMs", 100))), 504);

      JsonObject listed = awaitAgent(nodeId, node -> node.getJsonObject("metrics") != null);
      assertThat(listed.getString("kind")).isEqualTo("generic");
      assertThat(listed.getString("name")).isEqualTo(name);
      assertThat(listed.getString("agentVersion")).isEqualTo("test-1");
      assertThat(listed.getString("state")).isEqualTo("AVAILABLE");
      assertThat(millis(listed.getString("lastHeartbeatAt"))).isGreaterThanOrEqualTo(before - 5);
      assertThat(listed.getJsonObject("metrics").getDouble("cpu")).isEqualTo(0.25);
      assertThat(listed.getInteger("pendingCommands")).isEqualTo(1);
    }
    JsonObject lost = awaitAgent(nodeId, node -> "LOST".equals(node.getString("state")));
    assertThat(lost.getString("lastHeartbeatAt")).isNull();
    assertThat(lost.getInteger("pendingCommands")).as("commands wait for the node's return").isEqualTo(1);
  }

  // ------------------------------------------------------------------ helpers

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static JsonObject pool(String pool) {
    return new JsonObject().put("pool", pool);
  }

  /** A new agent token: its record with the token itself. */
  JsonObject issueAgentToken() {
    HttpResponse<Buffer> created = await(hub.postJson("/v1.0/agent-tokens", admin,
        new JsonObject().put("name", unique("agent")).put("ttlDays", 1)));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return created.bodyAsJsonObject();
  }

  /** A person's token without the admin role (a user of a new tenant). */
  String user() {
    String name = unique("user");
    assertThat(await(hub.postJson("/v1.0/tenants", admin, new JsonObject().put("name", name))).statusCode()).isEqualTo(201);
    HttpResponse<Buffer> created = await(hub.postJson("/v1.0/users", admin, new JsonObject().put("username", name)
        .put("password", "a-long-enough-password").put("tenant", name).put("roles", new JsonArray().add("user"))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return await(hub.login(name, "a-long-enough-password"));
  }

  /** A token the tests that do not revoke share. */
  String agentToken() {
    if (sharedAgentToken == null) {
      sharedAgentToken = issueAgentToken().getString("token");
    }
    return sharedAgentToken;
  }

  /** A connected mothership agent (4 cpu, 4 GiB) in {@code pool}, welcomed. */
  TestAgent mothershipAgent(String name, String pool) {
    TestAgent agent = await(TestAgent.connect(hub.vertx(), hub.port(), agentToken()));
    agent.hello(TestAgent.mothershipHello(name, 4, 4096).put("labels", pool(pool)));
    return agent;
  }

  /** Deploys a component needing 1 cpu in {@code pool}, serving {@code urls} (default: its own prefix). */
  String deployComponent(String pool, String... urls) {
    String id = unique("comp");
    JsonArray served = urls.length == 0 ? new JsonArray().add("/" + id + "/*") : new JsonArray(List.of(urls));
    HttpResponse<Buffer> deployed = await(hub.postJson("/webcomponent/", admin, new JsonObject().put("id", id)
        .put("version", "1.0").put("urls", served)
        .put("resources", new JsonObject().put("cpu", 1).put("ramMb", 128).put("bandwidthMbps", 1))
        .put("labels", pool(pool))));
    assertThat(deployed.statusCode()).as(deployed.bodyAsString()).isEqualTo(201);
    return id;
  }

  JsonObject instantiate(String component) {
    HttpResponse<Buffer> placed = await(hub.postJson("/webcomponent/" + component + "/1.0", admin, new JsonObject()));
    assertThat(placed.statusCode()).as(placed.bodyAsString()).isEqualTo(201);
    return placed.bodyAsJsonObject();
  }

  JsonObject getJson(String path) {
    HttpResponse<Buffer> response = await(hub.get(path, admin));
    assertThat(response.statusCode()).as("GET %s: %s", path, response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  List<JsonObject> commandsOf(String nodeId) {
    return getJson("/v1.0/nodes/" + nodeId + "/commands").getJsonArray("items").stream()
        .map(JsonObject.class::cast).toList();
  }

  JsonArray pollCommands(String token, String nodeId, long waitMs) {
    HttpResponse<Buffer> polled = await(hub.client().get("/agents/http/commands?node=" + nodeId + "&waitMs=" + waitMs)
        .bearerTokenAuthentication(token).send());
    assertThat(polled.statusCode()).as(polled.bodyAsString()).isEqualTo(200);
    return polled.bodyAsJsonObject().getJsonArray("commands");
  }

  JsonObject awaitAgent(String nodeId, Predicate<JsonObject> condition) {
    long deadline = System.currentTimeMillis() + 10_000;
    JsonObject node = null;
    while (System.currentTimeMillis() < deadline) {
      node = first(getJson("/v1.0/agents?range=1000").getJsonArray("items").stream().map(JsonObject.class::cast).toList(), nodeId);
      if (node != null && condition.test(node)) {
        return node;
      }
      sleep(50);
    }
    throw new AssertionError("agent " + nodeId + " never matched; last listed as " + node);
  }

  JsonObject awaitJson(String path, Predicate<JsonObject> condition, String what) {
    long deadline = System.currentTimeMillis() + 10_000;
    JsonObject body = null;
    while (System.currentTimeMillis() < deadline) {
      body = getJson(path);
      if (condition.test(body)) {
        return body;
      }
      sleep(50);
    }
    throw new AssertionError(path + ": expected " + what + ", last got " + body);
  }

  private void awaitState(String path, String expected) {
    awaitJson(path, body -> expected.equals(body.getString("state")), "state " + expected);
  }

  private void awaitStatus(String path, int status) {
    long deadline = System.currentTimeMillis() + 10_000;
    int last = -1;
    while (System.currentTimeMillis() < deadline) {
      last = await(hub.get(path, admin)).statusCode();
      if (last == status) {
        return;
      }
      sleep(50);
    }
    throw new AssertionError(path + " stayed " + last + ", expected " + status);
  }

  /** The newest event sequence so far: look for events after it. */
  long eventMark() {
    return getJson("/v1.0/events?since=0&limit=1").getLong("newestSeq");
  }

  /** Every event after {@code since} of the given types (comma-separated), oldest first. */
  List<JsonObject> events(long since, String types) {
    List<JsonObject> found = new ArrayList<>();
    long cursor = since;
    while (true) {
      JsonObject page = getJson("/v1.0/events?limit=1000&since=" + cursor + "&types=" + types);
      page.getJsonArray("items").forEach(item -> found.add((JsonObject) item));
      long last = page.getLong("lastSeq");
      if (last == cursor || last >= page.getLong("newestSeq")) {
        return found;
      }
      cursor = last;
    }
  }

  /** The first event of {@code type} after {@code since} that mentions {@code id}; waits up to 10 s. */
  JsonObject awaitEvent(long since, String type, String id) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject event = first(events(since, type), id);
      if (event != null) {
        return event;
      }
      sleep(25);
    }
    throw new AssertionError("no " + type + " event about " + id + " within 10 s");
  }

  /** The first of {@code items} that mentions {@code id} anywhere, or null. */
  static JsonObject first(List<JsonObject> items, String id) {
    return items.stream().filter(item -> item.encode().contains(id)).findFirst().orElse(null);
  }

  static long millis(String timestamp) {
    return OffsetDateTime.parse(timestamp).toInstant().toEpochMilli();
  }

  static JsonObject assertProblem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as("status; body: %s", response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).as("Content-Type").startsWith("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    return problem;
  }

  private void assertInvalid(String path, JsonObject body, String field) {
    JsonObject problem = assertProblem(await(hub.postJson(path, admin, body)), 400);
    assertThat(problem.getJsonArray("invalid-params").stream().map(p -> ((JsonObject) p).getString("name")))
        .as("invalid-params of %s", body.encode()).contains(field);
  }

  private static JsonObject assertError(JsonObject error, String code, String inReplyTo) {
    assertThat(error.getString("code")).as("error frame %s", error.encode()).isEqualTo(code);
    assertThat(error.getString("inReplyTo")).as("inReplyTo of %s", error.encode()).isEqualTo(inReplyTo);
    assertThat(error.getString("message")).isNotBlank();
    return error;
  }

  private void assertRefusedAtUpgrade(String token, String what) throws InterruptedException {
    Throwable refusal;
    try {
      TestAgent.connect(hub.vertx(), hub.port(), token).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).close();
      throw new AssertionError(what + ": the upgrade was accepted");
    } catch (ExecutionException e) {
      refusal = e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(what + ": no answer to the upgrade", e);
    }
    assertThat(refusal).as(what).isInstanceOf(UpgradeRejectedException.class);
    UpgradeRejectedException rejected = (UpgradeRejectedException) refusal;
    assertThat(rejected.getStatus()).as(what).isEqualTo(401);
    JsonObject problem = rejected.getBody().toJsonObject();
    assertThat(problem.getInteger("status")).as(what).isEqualTo(401);
  }

  /** The claims of an agent token as the hub issues them. */
  private static JsonObject agentClaims(String tokenId, long issuedAt, long expiresAt) {
    return new JsonObject().put("sub", "agent:" + tokenId).put("jti", tokenId).put("name", "hand-made")
        .put("roles", new JsonArray().add("agent")).put("iss", HttpApiVerticle.ISSUER)
        .put("aud", new JsonArray().add(HttpApiVerticle.AUDIENCE)).put("iat", issuedAt).put("exp", expiresAt);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
