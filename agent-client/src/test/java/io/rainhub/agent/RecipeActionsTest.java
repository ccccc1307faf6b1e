package io.rainhub.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** recipe, stage and leave of a generic node, with real files and real bash, through {@link NodeActions}. */
@ExtendWith(VertxExtension.class)
class RecipeActionsTest {

  @TempDir
  Path work;
  private NodeLayout layout;
  private NodeActions actions;
  private final AtomicInteger leaves = new AtomicInteger();
  private long seq;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    Path stateDir = Files.createDirectories(work.resolve("state"));
    layout = NodeLayout.of("shop-app-1", stateDir);
    ScriptSteps steps = new ScriptSteps(vertx, "test-scripts-" + UUID.randomUUID(), 4, new ScriptRunner(work),
        Duration.ofSeconds(20));
    actions = new NodeActions(AgentState.empty(), steps, false, Duration.ofSeconds(20),
        new RecipeActions(steps, layout, Duration.ofSeconds(20), leaves::incrementAndGet));
  }

  private CommandOutcome run(String action, JsonObject args) {
    return actions.execute(new Command("c-" + ++seq, seq, action, args, null)).await();
  }

  private CommandOutcome recipe(String digest, JsonObject files) {
    return run("recipe", new JsonObject().put("type", "webapp").put("version", "1.0").put("digest", digest)
        .put("files", files));
  }

  private JsonObject stageArgs(String digest, String stage) {
    return new JsonObject().put("type", "webapp").put("version", "1.0").put("digest", digest).put("stage", stage)
        .put("timeoutMs", 20_000);
  }

  @Test
  void aShippedRecipeRunsItsStagesInTheNodeDirectoryWithTheDocumentedEnvironment() throws Exception {
    CommandOutcome shipped = recipe("d1", new JsonObject()
        .put("recipe.json", "{\"type\": \"webapp\"}")
        .put("pre-config.sh", """
            echo "dir=$(pwd)"
            echo "name=$RAIN_NODE_NAME nodeDir=$RAIN_NODE_DIR jar=[${RAIN_AGENT_JAR-unset}]"
            echo "inputs=$RAIN_INPUT_TYPE $RAIN_INPUT_VERSION $RAIN_INPUT_STAGE $RAIN_INPUT_TIMEOUTMS"
            echo "settings=$RAIN_SETTING_GREETING imports=$RAIN_IMPORT_DB_COUNT envInputs=${RAIN_INPUT_ENV_RAIN_SETTING_GREETING-none}"
            grep -c RAIN_SETTING "$RAIN_INPUT_FILE" || true
            echo "exportsEmpty=$(wc -c < "$RAIN_EXPORTS_FILE")"
            echo "# published" >> "$RAIN_EXPORTS_FILE"
            echo "ip=127.0.0.1" >> "$RAIN_EXPORTS_FILE"
            echo "" >> "$RAIN_EXPORTS_FILE"
            echo "url=http://x/?a=b" >> "$RAIN_EXPORTS_FILE"
            touch kept-between-stages
            """));
    assertThat(shipped.succeeded()).as("%s", shipped.output()).isTrue();
    assertThat(shipped.data().getString("digest")).isEqualTo("d1");
    Path installed = layout.recipeDir("webapp", "1.0");
    assertThat(Files.readString(installed.resolve(RecipeStore.DIGEST_FILE))).isEqualTo("d1");
    assertThat(Files.getPosixFilePermissions(installed.resolve("pre-config.sh")))
        .contains(PosixFilePermission.OWNER_EXECUTE);
    assertThat(Files.getPosixFilePermissions(installed.resolve("recipe.json")))
        .doesNotContain(PosixFilePermission.OWNER_EXECUTE);

    CommandOutcome stage = run("stage", stageArgs("d1", "pre-config").put("env", new JsonObject()
        .put("RAIN_SETTING_GREETING", "hello").put("RAIN_IMPORT_DB_COUNT", 1).put("bad-name", "x")
        .put("RAIN_NODE_NAME", "not-me")));

    assertThat(stage.succeeded()).as("%s", stage.output()).isTrue();
    assertThat(stage.exitCode()).isZero();
    String nodeDir = layout.nodeDir().toString();
    assertThat(stage.output()).contains(
        "env bad-name ignored: not a variable name of [A-Z_][A-Z0-9_]* with a value",
        "dir=" + nodeDir,
        "name=shop-app-1 nodeDir=" + nodeDir + " jar=[]",
        "inputs=webapp 1.0 pre-config 20000",
        "settings=hello imports=1 envInputs=none",
        "0",
        "exportsEmpty=0");
    assertThat(stage.data()).isEqualTo(new JsonObject().put("stage", "pre-config").put("scriptPresent", true)
        .put("exports", new JsonObject().put("ip", "127.0.0.1").put("url", "http://x/?a=b")));
    assertThat(layout.nodeDir().resolve("kept-between-stages")).exists();
    try (Stream<Path> left = Files.list(layout.stateDir())) {
      assertThat(left.map(path -> path.getFileName().toString())).as("no exports file is left behind")
          .containsExactlyInAnyOrder("node", "recipes");
    }
  }

  @Test
  void shippingAgainReplacesTheWholeRecipe() throws Exception {
    recipe("d1", new JsonObject().put("install.sh", "echo one").put("old.sh", "echo old"));
    CommandOutcome again = recipe("d2", new JsonObject().put("install.sh", "echo two"));

    assertThat(again.succeeded()).isTrue();
    Path parent = layout.recipeDir("webapp", "1.0").getParent();
    try (Stream<Path> entries = Files.list(parent)) {
      assertThat(entries.map(path -> path.getFileName().toString())).containsExactly("1.0");
    }
    try (Stream<Path> files = Files.list(parent.resolve("1.0"))) {
      assertThat(files.map(path -> path.getFileName().toString()))
          .containsExactlyInAnyOrder("install.sh", RecipeStore.DIGEST_FILE);
    }
    assertThat(run("stage", stageArgs("d2", "install")).output()).containsExactly("two");
  }

  @Test
  void aStageOfADigestNotInstalledIsRefusedAndSaysToResync() {
    String resync = "recipe webapp/1.0 (digest d2) is not installed on this node; re-sync its scripts "
        + "(PUT /v1.0/nodes/scripts)";
    CommandOutcome missing = run("stage", stageArgs("d2", "install"));
    assertThat(missing.succeeded()).isFalse();
    assertThat(missing.output()).containsExactly(resync);
    assertThat(missing.data().getString("failedStep")).isEqualTo("install");

    recipe("d1", new JsonObject().put("install.sh", "echo ran > \"$RAIN_NODE_DIR/marker\""));
    CommandOutcome stale = run("stage", stageArgs("d2", "install"));

    assertThat(stale.succeeded()).isFalse();
    assertThat(stale.output()).containsExactly("installed: digest d1", resync);
    assertThat(layout.nodeDir().resolve("marker")).as("the script of another digest never ran").doesNotExist();
  }

  @Test
  void anAbsentScriptSucceedsAndSaysSo() {
    recipe("d1", new JsonObject().put("recipe.json", "{}"));

    CommandOutcome stage = run("stage", stageArgs("d1", "validate"));

    assertThat(stage.succeeded()).isTrue();
    assertThat(stage.exitCode()).isNull();
    assertThat(stage.data()).isEqualTo(new JsonObject().put("stage", "validate").put("scriptPresent", false)
        .put("exports", new JsonObject()));
  }

  @Test
  void aFailingStageNamesItselfAndKeepsItsLastLines() {
    recipe("d1", new JsonObject().put("configure.sh", "echo 'no database'; echo ip=1 >> \"$RAIN_EXPORTS_FILE\"; exit 3"));

    CommandOutcome stage = run("stage", stageArgs("d1", "configure"));

    assertThat(stage.succeeded()).isFalse();
    assertThat(stage.exitCode()).isEqualTo(3);
    assertThat(stage.output()).containsExactly("no database", "configure.sh failed with exit code 3");
    assertThat(stage.data().getString("failedStep")).isEqualTo("configure");
    assertThat(stage.data().getJsonObject("exports")).as("a failed stage publishes nothing").isEmpty();
  }

  @Test
  void aStageOverItsTimeoutIsKilledWithWhatItStarted() throws Exception {
    recipe("d1", new JsonObject().put("start.sh", "sleep 30 & echo $! > child.pid; echo started; wait"));
    long started = System.nanoTime();

    CommandOutcome stage = run("stage", stageArgs("d1", "start").put("timeoutMs", 500));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(stage.succeeded()).isFalse();
    assertThat(stage.output()).containsExactly("started", "start.sh timed out and was killed");
    assertThat(stage.data().getString("failedStep")).isEqualTo("start");
    long child = Long.parseLong(Files.readString(layout.nodeDir().resolve("child.pid")).trim());
    FakeHub.awaitThat(() -> ProcessHandle.of(child).map(process -> !process.isAlive()).orElse(true),
        Duration.ofSeconds(5), "the script's child killed");
  }

  @Test
  void exportsOutOfBoundsFailTheStage() {
    recipe("d1", new JsonObject().put("validate.sh",
        "for i in $(seq 1 65); do echo \"v$i=x\" >> \"$RAIN_EXPORTS_FILE\"; done"));

    CommandOutcome stage = run("stage", stageArgs("d1", "validate"));

    assertThat(stage.succeeded()).isFalse();
    assertThat(stage.output()).containsExactly("validate.sh: the exports file has more than 64 variables");
    assertThat(stage.data().getString("failedStep")).isEqualTo("validate");
  }

  @Test
  void namesThatAreNotPlainAreRefusedAndNothingIsWritten() {
    for (String name : List.of("../evil.sh", "a/b.sh", "..", ".", "", RecipeStore.DIGEST_FILE, "x\\y")) {
      CommandOutcome refused = recipe("d1", new JsonObject().put("install.sh", "echo").put(name, "echo"));
      assertThat(refused.succeeded()).as(name).isFalse();
      assertThat(refused.output().get(0)).as(name).contains("recipe failed: a recipe file name must be a plain name");
    }
    for (JsonObject bad : List.of(new JsonObject().put("type", "../x").put("version", "1.0"),
        new JsonObject().put("type", "webapp").put("version", ".."),
        new JsonObject().put("type", "web/app").put("version", "1.0"),
        new JsonObject().put("type", "webapp").put("version", "x".repeat(65)))) {
      CommandOutcome refused = run("recipe", bad.put("digest", "d1").put("files", new JsonObject()));
      assertThat(refused.succeeded()).as("%s", bad).isFalse();
      assertThat(refused.output().get(0)).contains("must be 1-64 of [A-Za-z0-9._-]");
      assertThat(run("stage", bad.copy().put("stage", "install")).succeeded()).isFalse();
    }
    assertThat(run("stage", stageArgs("d1", "deploy")).output().get(0)).contains("args.stage must be one of");
    assertThat(layout.recipesDir().resolve("webapp")).satisfiesAnyOf(
        dir -> assertThat(dir).doesNotExist(), dir -> assertThat(dir).isEmptyDirectory());
    assertThat(work.resolve("evil.sh")).doesNotExist();
  }

  @Test
  void leaveAnswersFirstAndEndsTheNodeOnlyOnceTheResultWasSent() {
    CommandOutcome leave = run("leave", new JsonObject());

    assertThat(leave.succeeded()).isTrue();
    assertThat(leaves).as("nothing goes before the hub has the answer").hasValue(0);
    assertThat(run("recipe", new JsonObject()).output()).containsExactly("not run: the node is leaving its topology");

    actions.resultSent("stage", new JsonObject().put("status", "succeeded"));
    assertThat(leaves).hasValue(0);
    JsonObject result = leave.resultBody(new Command("c-1", 1, "leave", new JsonObject(), null));
    actions.resultSent("leave", result);
    actions.resultSent("leave", result);
    assertThat(leaves).as("once, even when the result is sent again").hasValue(1);
  }

  @Test
  void fiftyNodesOnOneSharedPoolRunTheirStagesAtOnce(Vertx vertx) throws Exception {
    String pool = "test-host-scripts-" + UUID.randomUUID();
    List<NodeActions> nodes = new java.util.ArrayList<>();
    for (int n = 0; n < 50; n++) {
      NodeLayout node = NodeLayout.of("n" + n, Files.createDirectories(work.resolve("n" + n)));
      ScriptSteps steps = new ScriptSteps(vertx, pool, 64, new ScriptRunner(work), Duration.ofSeconds(20));
      NodeActions actions = new NodeActions(AgentState.empty(), steps, false, Duration.ofSeconds(20),
          new RecipeActions(steps, node, Duration.ofSeconds(20), () -> { }));
      actions.execute(new Command("r", 1, "recipe", new JsonObject().put("type", "webapp").put("version", "1.0")
          .put("digest", "d1").put("files", new JsonObject().put("start.sh", "sleep 1")), null)).await();
      nodes.add(actions);
    }
    long started = System.nanoTime();

    List<CommandOutcome> outcomes = io.vertx.core.Future.all(nodes.stream().map(actions -> actions.execute(
        new Command("s", 2, "stage", stageArgs("d1", "start"), null))).toList()).await().list();

    assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.succeeded()).isTrue());
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not one after the other")
        .isLessThan(Duration.ofSeconds(8));
  }

  @Test
  void nodesWithoutRecipesRefuseTheRecipeActions() {
    NodeActions plain = new NodeActions(AgentState.empty(), null, false, Duration.ZERO);

    CommandOutcome refused = plain.execute(new Command("c-1", 1, "stage", new JsonObject(), null)).result();

    assertThat(refused.succeeded()).isFalse();
    assertThat(refused.output()).containsExactly("stage failed: only generic nodes run recipes: this node has none");
  }
}
