package io.rainhub.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real bash scripts in a real folder, run the way an agent runs them. */
class ScriptRunnerTest {

  @TempDir
  Path scripts;

  private Path script(String component, String version, LifecycleStep step, String body) throws Exception {
    Path dir = Files.createDirectories(scripts.resolve(component).resolve(version));
    return Files.writeString(dir.resolve(step.scriptName()), "set -e\n" + body + "\n");
  }

  @Test
  void aSuccessfulStepKeepsOnlyTheLastLinesOfItsOutput() throws Exception {
    script("cart", "1.0", LifecycleStep.CONFIGURE, "for i in $(seq 1 80); do echo \"line $i\"; done");
    StepResult result = new ScriptRunner(scripts).run("cart", "1.0", LifecycleStep.CONFIGURE, Map.of(), null,
        Duration.ofSeconds(20));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.scriptPresent()).isTrue();
    assertThat(result.exitCode()).isZero();
    assertThat(result.lastLines()).hasSize(50).startsWith("line 31").endsWith("line 80");
  }

  @Test
  void inputsAndWorkingDirectoryReachTheScript() throws Exception {
    script("cart", "1.0", LifecycleStep.START, """
        echo "component=$RAIN_COMPONENT version=$RAIN_VERSION step=$RAIN_STEP port=$RAIN_INPUT_PORT"
        grep -o '"db": *"[^"]*"' "$RAIN_INPUT_FILE"
        basename "$(pwd)"
        """);
    StepResult result = new ScriptRunner(scripts).run("cart", "1.0", LifecycleStep.START, Map.of("port", "8081"),
        "{\"db\": \"postgres://db/cart\"}", Duration.ofSeconds(20));
    assertThat(result.lastLines()).containsExactly(
        "component=cart version=1.0 step=start port=8081", "\"db\": \"postgres://db/cart\"", "1.0");
  }

  @Test
  void aFailingScriptReportsItsExitCodeAndOutput() throws Exception {
    script("cart", "1.0", LifecycleStep.VALIDATE, "echo 'checking'; echo 'port 8081 not answering' >&2; exit 3");
    StepResult result = new ScriptRunner(scripts).run("cart", "1.0", LifecycleStep.VALIDATE, Map.of(), null,
        Duration.ofSeconds(20));
    assertThat(result.succeeded()).isFalse();
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.lastLines()).containsExactly("checking", "port 8081 not answering");
  }

  @Test
  void aMissingScriptHasNothingToDoAndSucceeds() throws Exception {
    StepResult result = new ScriptRunner(scripts).run("cart", "1.0", LifecycleStep.INSTALL, Map.of(), null,
        Duration.ofSeconds(20));
    assertThat(result.succeeded()).isTrue();
    assertThat(result.scriptPresent()).isFalse();
  }

  @Test
  void aScriptThatOverrunsItsTimeoutIsKilledAndFails() throws Exception {
    script("cart", "1.0", LifecycleStep.STOP, "echo started; sleep 30; echo never");
    long started = System.nanoTime();
    StepResult result = new ScriptRunner(scripts).run("cart", "1.0", LifecycleStep.STOP, Map.of(), null,
        Duration.ofMillis(500));
    assertThat(result.timedOut()).isTrue();
    assertThat(result.succeeded()).isFalse();
    assertThat(result.lastLines()).containsExactly("started");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void pathsOutsideTheScriptsFolderAreRefused() {
    ScriptRunner runner = new ScriptRunner(scripts);
    assertThatThrownBy(() -> runner.run("..", "etc", LifecycleStep.START, Map.of(), null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> runner.run("cart", "../../x", LifecycleStep.START, Map.of(), null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> runner.run("cart", "1.0", LifecycleStep.START, Map.of("bad-name", "x"), null,
        Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nodeScriptsLiveInTheUnderscoreNodeFolder() throws Exception {
    Path dir = Files.createDirectories(scripts.resolve("_node"));
    Files.writeString(dir.resolve("connect.sh"), "echo \"step=$RAIN_STEP mothership=$RAIN_INPUT_MOTHERSHIPID\"\n");
    StepResult result = new ScriptRunner(scripts).runNodeScript("connect", Map.of("mothershipId", "m-1"), "{}",
        Duration.ofSeconds(20));
    assertThat(result.scriptPresent()).isTrue();
    assertThat(result.lastLines()).containsExactly("step=connect mothership=m-1");
    assertThat(new ScriptRunner(scripts).runNodeScript("reset", Map.of(), "{}", Duration.ofSeconds(20))
        .scriptPresent()).isFalse();
    assertThatThrownBy(() -> new ScriptRunner(scripts).runNodeScript("../x", Map.of(), "{}", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aGuestCommandRunsWithBashInTheScriptsFolderAndHugeLinesAreCut() throws Exception {
    StepResult result = new ScriptRunner(scripts).runCommand(
        "basename \"$(pwd)\"; head -c 5000 /dev/zero | tr '\\0' x; echo; exit 4", Duration.ofSeconds(20));
    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.lastLines()).hasSize(2);
    assertThat(result.lastLines().get(0)).isEqualTo(scripts.getFileName().toString());
    assertThat(result.lastLines().get(1)).hasSize(2_000).matches("x+");
  }
}
