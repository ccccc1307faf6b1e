package io.rainhub.hub;

import static io.rainhub.hub.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.hub.cli.HubApi;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The everyday CLI ({@code io.rainhub.hub.cli}) against a real hub on H2, over real HTTP. */
class CliTest {

  private static final String PASSWORD = "cli-test-admin-password";

  @TempDir
  static Path dir;

  private static Hub hub;
  private static String url;
  private static HubApi admin;

  @BeforeAll
  static void startHubAndLogIn() throws Exception {
    Map<HubOption, String> flags = LocalHubFlags.in(dir);
    flags.put(HubOption.ADMIN_PASSWORD, PASSWORD);
    hub = Hub.start(HubConfigLoader.load(flags, Map.of()));
    url = "http://127.0.0.1:" + hub.port();
    System.setProperty("rainhub.profile", dir.resolve("config/rainhub/profile.json").toString());
    Path passwordFile = Files.writeString(dir.resolve("admin-password.txt"), PASSWORD + "\n");
    CliRun login = run("login", "--hub", url + "/", "--password-file", passwordFile.toString());
    assertThat(login.exit()).as(login.err()).isZero();
    assertThat(login.out()).contains("logged in to " + url + " as admin until ");
    JsonObject profile = profiles().getJsonObject("default");
    admin = new HubApi(profile.getString("hub"), profile.getString("token"));
    for (String name : List.of("m1", "m2")) {
      admin.post("/mothership/", new JsonObject().put("name", name).put("address", name + ":9000")
          .put("capacity", new JsonObject().put("cpu", 4).put("ramMb", 8192).put("bandwidthMbps", 1000)));
    }
    admin.post("/rainservers/", new JsonObject().put("name", "rs1").put("address", "10.0.1.1:80")
        .put("urls", new JsonArray().add("/shop/*")));
  }

  @AfterAll
  static void stopHub() throws Exception {
    System.clearProperty("rainhub.profile");
    hub.stop();
  }

  @Test
  void loginWritesAProfileOnlyItsOwnerCanRead() throws Exception {
    InputStream stdin = System.in;
    CliRun login;
    try {
      System.setIn(new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)));
      login = run("login", "--hub", url, "--password-stdin", "--profile", "second");
    } finally {
      System.setIn(stdin);
    }
    assertThat(login.exit()).as(login.err()).isZero();
    JsonObject second = profiles().getJsonObject("second");
    assertThat(second.getString("hub")).isEqualTo(url);
    assertThat(second.getString("username")).isEqualTo("admin");
    assertThat(second.getString("token").split("\\.")).hasSize(3);
    assertThat(second.getString("expiresAt")).isNotBlank();
    assertThat(profiles().getJsonObject("default")).as("other profiles are kept").isNotNull();
    Path file = dir.resolve("config/rainhub/profile.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(run("nodes", "--profile", "second").exit()).isZero();

    Path wrong = Files.writeString(dir.resolve("wrong.txt"), "not-the-password");
    CliRun refused = run("login", "--hub", url, "--password-file", wrong.toString(), "--profile", "third");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).isEqualTo("rainhub: login as admin failed (401): wrong username or password\n");
    assertThat(profiles().getJsonObject("third")).isNull();
  }

  @Test
  void deployInstantiateListMapAndStop() throws Exception {
    Path descriptor = Files.writeString(dir.resolve("cart.json"), new JsonObject().put("id", "cart").put("version", "1.0")
        .put("urls", new JsonArray().add("/shop/cart"))
        .put("resources", new JsonObject().put("cpu", 1).put("ramMb", 512).put("bandwidthMbps", 10)).encode());
    CliRun deployed = run("deploy", "-f", descriptor.toString());
    assertThat(deployed.exit()).as(deployed.err()).isZero();
    assertThat(deployed.out()).startsWith("deployed cart@1.0");
    assertThat(lines(run("components").out())).anySatisfy(line -> assertThat(line).matches("cart +1\\.0 +0 +1 +cpu=1 .*"));

    CliRun instantiated = run("instantiate", "cart", "1.0");
    assertThat(instantiated.exit()).as(instantiated.err()).isZero();
    String id = instantiated.out().split(" ")[0];
    assertThat(instantiated.out()).contains("cart@1.0 PLACED on ");

    List<String> table = lines(run("instances").out());
    assertThat(table.get(0)).matches("ID +COMPONENT +VERSION +STATE +PRIMARY +REPLICAS +CREATED");
    assertThat(table).anySatisfy(line -> assertThat(line).matches(id + " +cart +1\\.0 +PLACED +m[12] +- +.*"));
    JsonArray json = new JsonArray(run("instances", "--component", "cart", "-o", "json").out());
    assertThat(json.getJsonObject(0).getString("instanceId")).isEqualTo(id);
    assertThat(run("instances", "--component", "other").out()).doesNotContain(id);

    String map = run("map").out();
    assertThat(map).startsWith("rain servers\n└── rs1 (rainserver, AVAILABLE, 10.0.1.1:80, /shop/*)\n    └── m");
    assertThat(map).contains("        └── cart@1.0 " + id + " PLACED primary\n", "motherships wired to no rain server\n");
    assertThat(new JsonObject(run("map", "-o", "json").out()).getJsonArray("nodes")).hasSize(4);

    CliRun stopped = run("stop", "cart@1.0");
    assertThat(stopped.exit()).as(stopped.err()).isZero();
    assertThat(stopped.out()).isEqualTo(id + " STOPPED\n");
    assertThat(run("instances").out()).doesNotContain(id);
    CliRun again = run("stop", id);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).startsWith("rainhub: Not found (404): No instance " + id).doesNotContain("\tat ").hasLineCount(1);
  }

  @Test
  void nodesAndDrainByName() {
    List<String> table = lines(run("nodes").out());
    assertThat(table.get(0)).matches("KIND +NAME +ID +STATE +ADDRESS +CAPACITY +RESERVED");
    assertThat(table).anySatisfy(line -> assertThat(line).matches("rainserver +rs1 +[0-9a-f-]{36} +AVAILABLE +10\\.0\\.1\\.1:80 +- +-"));
    assertThat(table).anySatisfy(line -> assertThat(line)
        .matches("mothership +m2 +[0-9a-f-]{36} +AVAILABLE +m2:9000 +cpu=4 ram=8192MB bw=1000Mbps +cpu=\\d+ .*"));

    CliRun drained = run("drain", "m2");
    assertThat(drained.exit()).as(drained.err()).isZero();
    assertThat(drained.out()).matches("m2 \\([0-9a-f-]{36}\\) draining\n");
    assertThat(run("nodes").out()).containsPattern("m2 +[0-9a-f-]{36} +AVAILABLE,draining");
    JsonObject nodes = new JsonObject(run("nodes", "-o", "json").out());
    assertThat(nodes.getJsonArray("motherships").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("name").equals("m2")).findFirst().orElseThrow().getBoolean("draining")).isTrue();
    assertThat(run("drain", "m2", "--undo").out()).endsWith(" in service\n");

    CliRun unknown = run("drain", "nope");
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("rainhub: no mothership named or with id 'nope'\n");
  }

  @Test
  void eventsListedAndFollowed() throws Exception {
    List<String> all = lines(run("events", "--types", "mothership.*").out());
    assertThat(all).anySatisfy(line -> assertThat(line).matches("\\d+ +\\S+ +mothership\\.registered +mothership/.*"));
    assertThat(all).allSatisfy(line -> assertThat(line).contains(" mothership."));
    List<String> two = lines(run("events", "-o", "json", "--count", "2").out());
    assertThat(two).hasSize(2);
    assertThat(new JsonObject(two.get(1)).getLong("seq")).isGreaterThan(new JsonObject(two.get(0)).getLong("seq"));

    long newest = admin.get("/v1.0/events?limit=1").getLong("newestSeq");
    CompletableFuture<CliRun> follower = CompletableFuture.supplyAsync(() -> run("events", "--follow", "--since",
        String.valueOf(newest), "--types", "mothership.draining,mothership.undrained", "-o", "json", "--count", "2"));
    Thread.sleep(300);
    assertThat(run("drain", "m1").exit()).isZero();
    assertThat(run("drain", "m1", "--undo").exit()).isZero();
    CliRun followed = follower.get(15, TimeUnit.SECONDS);
    assertThat(followed.exit()).as(followed.err()).isZero();
    assertThat(lines(followed.out()).stream().map(line -> new JsonObject(line).getString("type")))
        .containsExactly("mothership.draining", "mothership.undrained");
  }

  @Test
  void followResumesFromTheLastSeqWhenTheHubRestarts() throws Exception {
    long newest = admin.get("/v1.0/events?limit=1").getLong("newestSeq");
    CompletableFuture<CliRun> follower = CompletableFuture.supplyAsync(() -> run("events", "--follow", "--since",
        String.valueOf(newest), "--types", "mothership.*", "--count", "2"));
    Thread.sleep(300);
    assertThat(run("drain", "m1").exit()).isZero();
    Thread.sleep(300);
    hub.stop();
    Map<HubOption, String> flags = LocalHubFlags.in(dir);
    flags.put(HubOption.PORT, String.valueOf(hub.port()));
    hub = Hub.start(HubConfigLoader.load(flags, Map.of()));
    assertThat(run("drain", "m1", "--undo").exit()).isZero();
    CliRun followed = follower.get(20, TimeUnit.SECONDS);
    assertThat(followed.exit()).as(followed.err()).isZero();
    List<String> lines = lines(followed.out());
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains(" mothership.draining ");
    assertThat(lines.get(1)).contains(" mothership.undrained ");
    assertThat(followed.err()).containsPattern("rainhub: the event stream (ended|dropped) after seq \\d+; resuming");
  }

  @Test
  void tokensIssuedListedAndRevokedByName() {
    CliRun issued = run("tokens", "issue", "node-9", "--ttl-days", "2");
    assertThat(issued.exit()).as(issued.err()).isZero();
    assertThat(issued.out().trim().split("\\.")).as("the token alone on stdout").hasSize(3);
    String id = issued.err().replaceAll("(?s).*agent token ([0-9a-f-]{36}).*", "$1");
    assertThat(run("tokens").out()).containsPattern(id + " +node-9 +admin +\\S+ +\\S+ +-\n");

    CliRun revoked = run("tokens", "revoke", "node-9");
    assertThat(revoked.exit()).as(revoked.err()).isZero();
    assertThat(revoked.out()).startsWith("revoked " + id + " at ");
    JsonObject record = new JsonArray(run("tokens", "-o", "json").out()).stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("id").equals(id)).findFirst().orElseThrow();
    assertThat(record.getString("revokedAt")).isNotNull();
    assertThat(run("tokens", "revoke", "node-9").err()).as("revoked tokens are no longer found by name")
        .isEqualTo("rainhub: no agent token named or with id 'node-9'\n");
  }

  @Test
  void failuresAreOneLine() throws Exception {
    int port = HubProcess.freePort();
    CliRun down = run("nodes", "--hub", "http://127.0.0.1:" + port, "--token", "x");
    assertThat(down.exit()).isEqualTo(2);
    assertThat(down.err()).isEqualTo("rainhub: cannot reach http://127.0.0.1:" + port
        + " (connection refused); is the hub running? (rainhub serve)\n");
    assertThat(down.out()).isEmpty();
    Path passwordFile = Files.writeString(dir.resolve("password-for-nowhere.txt"), PASSWORD);
    CliRun loginDown = run("login", "--hub", "http://127.0.0.1:" + port, "--password-file", passwordFile.toString());
    assertThat(loginDown.exit()).isEqualTo(2);
    assertThat(loginDown.err()).startsWith("rainhub: cannot reach ").hasLineCount(1);

    CliRun badToken = run("components", "--token", "not-a-token");
    assertThat(badToken.exit()).isEqualTo(1);
    assertThat(badToken.err()).startsWith("rainhub: Unauthorized (401)").endsWith("; run rainhub login\n").hasLineCount(1);

    CliRun noProfile = run("nodes", "--profile", "nobody");
    assertThat(noProfile.exit()).isEqualTo(2);
    assertThat(noProfile.err()).startsWith("rainhub: not logged in (no profile 'nobody' in ");

    JsonObject expired = profiles().getJsonObject("default").copy().put("expiresAt", "2020-01-01T00:00:00Z");
    Path expiredFile = Files.writeString(dir.resolve("expired.json"),
        new JsonObject().put("profiles", new JsonObject().put("default", expired)).encode());
    String saved = System.getProperty("rainhub.profile");
    CliRun late;
    try {
      System.setProperty("rainhub.profile", expiredFile.toString());
      late = run("nodes");
    } finally {
      System.setProperty("rainhub.profile", saved);
    }
    assertThat(late.exit()).isEqualTo(1);
    assertThat(late.err()).contains("expired at 2020-01-01T00:00:00Z; run rainhub login");

    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"id\":\"Bad Id\",\"version\":\"1\",\"replicas\":99}");
    CliRun invalid = run("deploy", "-f", bad.toString());
    assertThat(invalid.exit()).isEqualTo(1);
    assertThat(invalid.err()).startsWith("rainhub: Invalid request body (400)").contains("id ", "replicas ")
        .hasLineCount(1);
  }

  private static JsonObject profiles() throws Exception {
    return new JsonObject(Files.readString(dir.resolve("config/rainhub/profile.json"))).getJsonObject("profiles");
  }

  private static List<String> lines(String text) {
    return text.lines().toList();
  }
}
