package io.rainhub.hub;

import io.rainhub.store.DatabaseConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Merges the settings of {@code rainhub serve}: defaults, then the YAML file, then environment
 * variables, then flags (flags win). Every problem is a {@link ConfigException} whose message names
 * the setting and where it came from.
 */
public final class HubConfigLoader {

  private HubConfigLoader() {
  }

  /** A setting that cannot be used; the message is meant for the operator as is. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }

  /**
   * @param flags values given on the command line, as text
   * @param environment usually {@link System#getenv()}
   */
  public static HubSettings load(Map<HubOption, String> flags, Map<String, String> environment) {
    Map<HubOption, String> values = new EnumMap<>(HubOption.class);
    for (HubOption option : HubOption.values()) {
      if (option.defaultValue() != null) {
        values.put(option, option.defaultValue());
      }
    }
    String configFile = flags.getOrDefault(HubOption.CONFIG,
        environment.getOrDefault(HubOption.CONFIG.environmentVariable(), null));
    if (configFile != null) {
      values.putAll(readYaml(Path.of(configFile), true));
    } else {
      values.putAll(readYaml(Path.of(HubOption.CONFIG.defaultValue()), false));
    }
    for (HubOption option : HubOption.values()) {
      String fromEnv = environment.get(option.environmentVariable());
      if (fromEnv != null && !fromEnv.isEmpty()) {
        values.put(option, fromEnv);
      }
    }
    values.putAll(flags);
    return settings(values);
  }

  private static Map<HubOption, String> readYaml(Path file, boolean required) {
    Map<HubOption, String> values = new EnumMap<>(HubOption.class);
    if (!Files.exists(file)) {
      if (required) {
        throw new ConfigException("--config: no such file: " + file.toAbsolutePath());
      }
      return values;
    }
    Object document;
    try (Reader reader = Files.newBufferedReader(file)) {
      document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    } catch (IOException | YAMLException e) {
      throw new ConfigException(file + ": cannot read YAML: " + e.getMessage());
    }
    if (document == null) {
      return values;
    }
    if (!(document instanceof Map<?, ?> map)) {
      throw new ConfigException(file + ": expected a mapping of settings at the top level");
    }
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String key = String.valueOf(entry.getKey());
      HubOption option = HubOption.byKey(key).filter(o -> o != HubOption.CONFIG).orElseThrow(() ->
          new ConfigException(file + ": unknown setting '" + key + "'; known: "
              + String.join(", ", Arrays.stream(HubOption.values()).filter(o -> o != HubOption.CONFIG)
              .map(HubOption::key).toList())));
      Object value = entry.getValue();
      if (value instanceof List<?> list) {
        values.put(option, String.join(",", list.stream().map(String::valueOf).toList()));
      } else if (value != null) {
        values.put(option, String.valueOf(value));
      }
    }
    return values;
  }

  private static HubSettings settings(Map<HubOption, String> values) {
    Path dataDir = Path.of(values.get(HubOption.DATA_DIR));
    String db = values.get(HubOption.DB);
    DatabaseConfig database;
    try {
      database = "embedded".equals(db) ? DatabaseConfig.embedded(dataDir) : DatabaseConfig.postgresql(db);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    boolean cluster = bool(values, HubOption.CLUSTER);
    if (cluster && "embedded".equals(db)) {
      throw new ConfigException("--cluster needs a database all hubs share: add --db postgresql://user:pass@host:port/db."
          + " The embedded H2 database belongs to one process.");
    }
    Path tlsCert = path(values, HubOption.TLS_CERT);
    Path tlsKey = path(values, HubOption.TLS_KEY);
    Path agentClientCa = path(values, HubOption.AGENT_CLIENT_CA);
    if (agentClientCa != null && tlsCert == null) {
      throw new ConfigException("--agent-client-ca needs --tls-cert and --tls-key: client certificates travel in TLS");
    }
    if (agentClientCa != null && !Files.isReadable(agentClientCa)) {
      throw new ConfigException("--agent-client-ca: cannot read " + agentClientCa);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ConfigException("--tls-cert and --tls-key go together: give both or neither.");
    }
    for (Path pem : new Path[] {tlsCert, tlsKey}) {
      if (pem != null && !Files.isReadable(pem)) {
        throw new ConfigException("TLS file not readable: " + pem.toAbsolutePath());
      }
    }
    String jwtSecret = values.get(HubOption.JWT_SECRET);
    if (jwtSecret != null && jwtSecret.length() < 32) {
      throw new ConfigException("--jwt-secret: at least 32 characters are needed for HS256 (got "
          + jwtSecret.length() + ")");
    }
    int heartbeatIntervalMs = intIn(values, HubOption.HEARTBEAT_INTERVAL, 100, 60_000);
    int agentTtlMs = intIn(values, HubOption.AGENT_TTL, 200, 600_000);
    if (agentTtlMs < 2 * heartbeatIntervalMs) {
      throw new ConfigException(HubOption.AGENT_TTL.flag() + ": " + agentTtlMs + " ms is shorter than two heartbeat"
          + " intervals (" + 2 * heartbeatIntervalMs + " ms); a node would be LOST before it could be SUSPECT");
    }
    return new HubSettings(
        values.get(HubOption.HOST),
        intIn(values, HubOption.PORT, 0, 65535),
        dataDir,
        database,
        cluster,
        values.get(HubOption.CLUSTER_HOST),
        intIn(values, HubOption.CLUSTER_PORT, 1, 65535),
        Arrays.stream(values.get(HubOption.CLUSTER_MEMBERS).split(",")).map(String::trim)
            .filter(member -> !member.isEmpty()).toList(),
        tlsCert,
        tlsKey,
        agentClientCa,
        intIn(values, HubOption.BODY_LIMIT, 1024, Integer.MAX_VALUE),
        intIn(values, HubOption.HTTP_INSTANCES, 1, 256),
        intIn(values, HubOption.TOKEN_TTL, 60, 30 * 24 * 3600),
        intIn(values, HubOption.LOGIN_THROTTLE, 10, 60_000),
        oneOf(values, HubOption.PLACEMENT_STRATEGY, "spread", "binpack"),
        intIn(values, HubOption.EVENT_RETENTION, 1, 24 * 3650),
        heartbeatIntervalMs,
        agentTtlMs,
        intIn(values, HubOption.AGENT_RECONNECT_MAX, 0, 600_000),
        intIn(values, HubOption.LEADER_LEASE, 200, 600_000),
        oneOf(values, HubOption.LOST_POLICY, "reschedule", "release"),
        intIn(values, HubOption.COMMAND_EXPIRY, 1, 30 * 24 * 3600),
        besideCheckout(Path.of(values.get(HubOption.RECIPES))),
        values.get(HubOption.AGENT_JAR) != null ? Path.of(values.get(HubOption.AGENT_JAR))
            : besideCheckout(Path.of("agent-client", "target", "rain-agent.jar")),
        jwtSecret,
        values.get(HubOption.ADMIN_PASSWORD));
  }

  /**
   * A relative path as given when it exists in the working directory, else the same path in the
   * checkout the hub's jar was built in ({@code hub/target/rainhub.jar}), so {@code bin/rainhub serve}
   * finds the shipped recipes and the rain-agent jar from any directory.
   */
  static Path besideCheckout(Path path) {
    if (path.isAbsolute() || Files.exists(path)) {
      return path;
    }
    try {
      Path jar = Path.of(HubConfigLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // <checkout>/hub/target/rainhub.jar (or .../classes when run from the build).
      Path checkout = jar.getParent() == null || jar.getParent().getParent() == null ? null
          : jar.getParent().getParent().getParent();
      if (checkout != null && Files.exists(checkout.resolve(path))) {
        return checkout.resolve(path);
      }
    } catch (Exception unknownLocation) {
      // Fall back to the path as given: the error when it is used names it.
    }
    return path;
  }

  private static int intIn(Map<HubOption, String> values, HubOption option, int min, int max) {
    String text = values.get(option);
    try {
      int value = Integer.parseInt(text.trim());
      if (value < min || value > max) {
        throw new ConfigException(option.flag() + ": " + value + " is out of range " + min + ".." + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(option.flag() + ": '" + text + "' is not a whole number");
    }
  }

  private static String oneOf(Map<HubOption, String> values, HubOption option, String... allowed) {
    String text = values.get(option).trim();
    if (!java.util.List.of(allowed).contains(text)) {
      throw new ConfigException(option.flag() + ": '" + text + "' is not one of " + String.join(", ", allowed));
    }
    return text;
  }

  private static boolean bool(Map<HubOption, String> values, HubOption option) {
    String text = values.get(option).trim();
    if (!text.equals("true") && !text.equals("false")) {
      throw new ConfigException(option.flag() + ": '" + text + "' is not true or false");
    }
    return Boolean.parseBoolean(text);
  }

  private static Path path(Map<HubOption, String> values, HubOption option) {
    String text = values.get(option);
    return text == null || text.isBlank() ? null : Path.of(text);
  }
}
