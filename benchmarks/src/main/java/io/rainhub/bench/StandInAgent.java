package io.rainhub.bench;

import io.rainhub.agent.AgentConfig;
import io.rainhub.agent.AgentIdentity;
import io.rainhub.agent.HubEndpoint;
import io.rainhub.agent.RainAgent;
import io.rainhub.agent.TlsSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real agent in a process of its own, for {@link AgentBenchmark}'s kill -9 phase when
 * {@code agent-client/target/rain-agent.jar} is not there (this branch has the agent's classes but
 * not yet its command line). It deploys the agent's own {@link RainAgent} verticle (WebSocket
 * transport, state directory, OSHI host metrics, script steps), so the hub sees exactly what it
 * sees from rain-agent.jar; only the option parsing is this class's. It takes the subset of
 * rain-agent.jar's options the benchmark uses:
 *
 * <pre>
 * java -cp rainhub-benchmarks.jar io.rainhub.bench.StandInAgent --hub ws://HOST:PORT --token T
 *     --kind mothership --name N --capacity cpu=4,ramMb=8192,bandwidthMbps=1000 --scripts DIR --state-dir DIR
 * </pre>
 *
 * It runs until killed.
 */
public final class StandInAgent {

  private StandInAgent() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      given.put(args[i], args[i + 1]);
    }
    for (String required : List.of("--hub", "--token", "--kind", "--name", "--scripts", "--state-dir")) {
      if (!given.containsKey(required)) {
        System.err.println("StandInAgent: " + required + " is required");
        System.exit(2);
      }
    }
    JsonObject capacity = null;
    if (given.containsKey("--capacity")) {
      capacity = new JsonObject();
      for (String pair : given.get("--capacity").split(",")) {
        String[] kv = pair.split("=", 2);
        String value = kv[1].trim();
        capacity.put(kv[0].trim(), value.contains(".") ? (Object) Double.parseDouble(value) : Long.parseLong(value));
      }
    }
    AgentIdentity identity = new AgentIdentity(given.get("--kind"), given.get("--name"),
        given.getOrDefault("--address", "127.0.0.1"), capacity, Map.of("bench", "kill"), List.of(),
        AgentIdentity.currentVersion());
    AgentConfig config = new AgentConfig(HubEndpoint.parse(given.get("--hub")), given.get("--token"), identity,
        Path.of(given.get("--scripts")), Path.of(given.get("--state-dir")), false, AgentConfig.TransportKind.WS,
        TlsSettings.DEFAULT, Duration.ofMinutes(5));
    Vertx vertx = Vertx.vertx();
    try {
      vertx.deployVerticle(new RainAgent(config)).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("StandInAgent: could not start the agent: " + e);
      vertx.close();
      System.exit(1);
    }
    System.out.println("StandInAgent: agent " + identity.name() + " started for " + given.get("--hub"));
    System.out.flush();
  }
}
