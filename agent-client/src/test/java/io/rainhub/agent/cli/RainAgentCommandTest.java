package io.rainhub.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.agent.AgentConfig;
import io.rainhub.agent.FakeHub;
import io.rainhub.agent.Frames;
import io.rainhub.agent.HubEndpoint;
import io.rainhub.agent.TlsSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(VertxExtension.class)
class RainAgentCommandTest {

  @TempDir
  Path scripts;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new RainAgentCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(args);
  }

  @Test
  void helpListsTheOptionsOfBothCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("--hub", "--token", "--kind", "--name", "--capacity", "--scripts",
        "--address", "--labels", "--urls", "--state-dir", "--allow-guest", "--transport", "--insecure-trust-all",
        "--client-cert", "--client-key", "--ca", "--script-timeout", "simulate");
    out.getBuffer().setLength(0);
    assertThat(run("simulate", "--help")).isZero();
    assertThat(out.toString()).contains("--count", "--hub", "--token", "--kind", "--name-prefix", "--capacity",
        "--heartbeat-ms", "--connect-rate", "--report-seconds", "--blast-seconds");
  }

  @Test
  void theOptionsMakeTheAgentConfigWithTheDocumentedDefaults() {
    RainAgentCommand command = new RainAgentCommand();
    new CommandLine(command).parseArgs("--hub", "https://hub.example:8443/rain", "--token", "T", "--kind",
        "mothership", "--name", "n1", "--capacity", "cpu=4,ramMb=8192,bandwidthMbps=1000.5", "--scripts",
        scripts.toString(), "--labels", "zone=eu-1,disk=ssd", "--transport", "http", "--insecure-trust-all",
        "--script-timeout", "90s");

    AgentConfig config = command.config();

    assertThat(config.hubs().all()).containsExactly(new HubEndpoint(true, "hub.example", 8443, "/rain"));
    assertThat(config.token()).isEqualTo("T");
    assertThat(config.identity().capacity()).isEqualTo(new JsonObject().put("cpu", 4L).put("ramMb", 8192L)
        .put("bandwidthMbps", 1000.5));
    assertThat(config.identity().labels()).isEqualTo(Map.of("zone", "eu-1", "disk", "ssd"));
    assertThat(config.identity().urls()).isEmpty();
    assertThat(config.identity().address()).isNotBlank();
    assertThat(config.stateDir()).isEqualTo(Path.of("rain-agent-state", "n1"));
    assertThat(config.transport()).isEqualTo(AgentConfig.TransportKind.HTTP);
    assertThat(config.tls()).isEqualTo(new TlsSettings(true, null, null, null));
    assertThat(config.scriptTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.allowGuest()).isFalse();
  }

  @Test
  void missingOrInconsistentOptionsAreUsageErrors() {
    List<String> base = List.of("--hub", "ws://h:1", "--token", "T", "--name", "n1", "--scripts", scripts.toString());
    assertThat(runWith(base, "--kind", "mothership")).isEqualTo(2);
    assertThat(err.toString()).contains("a mothership must state its capacity");
    assertThat(runWith(base, "--kind", "rainserver")).isEqualTo(2);
    assertThat(err.toString()).contains("a rain server must state its URL patterns");
    assertThat(runWith(base, "--kind", "generic", "--transport", "pigeon")).isEqualTo(2);
    assertThat(err.toString()).contains("--transport must be ws or http");
    assertThat(runWith(base, "--kind", "mothership", "--capacity", "cpu=many")).isEqualTo(2);
    assertThat(err.toString()).contains("cpu is not a number");
    // A generic node gets its recipes from the hub; every other kind runs scripts of its own.
    assertThat(run("--hub", "ws://h:1", "--token", "T", "--kind", "mothership", "--name", "n1",
        "--capacity", "cpu=1,ramMb=64,bandwidthMbps=10")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: --scripts");
    assertThat(run("--hub", "ftp://h", "--token", "T", "--kind", "generic", "--name", "n1", "--scripts",
        scripts.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--hub: the hub's URI must start with ws://");
  }

  @Test
  void hubTakesAListRepeatedOrCommaSeparatedAllWithTheSameTls() {
    RainAgentCommand command = new RainAgentCommand();
    new CommandLine(command).parseArgs("--hub", "ws://h1:8080, ws://h2:8080/rain", "--hub", "http://h3", "--token", "T",
        "--kind", "generic", "--name", "n1", "--scripts", scripts.toString());

    assertThat(command.config().hubs().all()).containsExactly(new HubEndpoint(false, "h1", 8080, ""),
        new HubEndpoint(false, "h2", 8080, "/rain"), new HubEndpoint(false, "h3", 80, ""));

    List<String> base = List.of("--token", "T", "--kind", "generic", "--name", "n1", "--scripts", scripts.toString());
    assertThat(runWith(base, "--hub", "ws://h1:8080,wss://h2:8443")).isEqualTo(2);
    assertThat(err.toString()).contains("--hub: the hubs must all use TLS (wss://, https://) or none");
    assertThat(runWith(base, "--hub", "ws://h1:8080", "--hub", "https://h2")).isEqualTo(2);
    assertThat(err.toString()).contains("the hubs must all use TLS");
    assertThat(runWith(base, "--hub", "ws://h1:8080,ftp://h2:21")).isEqualTo(2);
    assertThat(err.toString()).contains("--hub: the hub's URI must start with ws://", "ftp://h2:21");
    assertThat(runWith(base, "--hub", "ws://h1:8080,ws://")).isEqualTo(2);
    assertThat(err.toString()).contains("--hub: ", "ws://");
  }

  @Test
  void simulateSpreadsItsAgentsOverTheHubs(Vertx vertx) {
    FakeHub first = FakeHub.start(vertx);
    FakeHub second = FakeHub.start(vertx);

    int exit = run("simulate", "--count", "4", "--hub", first.wsUri() + "," + second.wsUri(), "--token", "T",
        "--heartbeat-ms", "200", "--connect-rate", "100/s", "--report-seconds", "1", "--blast-seconds", "1");

    assertThat(exit).isZero();
    assertThat(first.await(Frames.HELLO, 2)).extracting(hello -> hello.body().getString("name"))
        .containsExactlyInAnyOrder("sim-1", "sim-3");
    assertThat(second.await(Frames.HELLO, 2)).extracting(hello -> hello.body().getString("name"))
        .containsExactlyInAnyOrder("sim-2", "sim-4");
  }

  @Test
  void simulateWithABlastAgainstAHubReportsTheRateAndEnds(Vertx vertx) {
    FakeHub hub = FakeHub.start(vertx);

    int exit = run("simulate", "--count", "3", "--hub", hub.wsUri(), "--token", "T", "--heartbeat-ms", "200",
        "--connect-rate", "100/s", "--report-seconds", "1", "--blast-seconds", "1");

    assertThat(exit).isZero();
    assertThat(hub.await(Frames.HELLO, 3)).hasSize(3);
    assertThat(out.toString()).contains("all 3 agents welcomed in", "blasting heartbeats for 1 s", "frames/s",
        "connected=3 welcomed=3 framesSent=");
    assertThat(out.toString()).containsPattern("blast: [1-9][0-9]* frames in 1\\.[0-9] s");
  }

  private int runWith(List<String> base, String... more) {
    err.getBuffer().setLength(0);
    List<String> args = new ArrayList<>(base);
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }
}
