package io.rainhub.agent;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Who the agent says it is in {@code hello}.
 *
 * @param kind {@code mothership}, {@code rainserver} or {@code generic}
 * @param capacity {@code {cpu, ramMb, bandwidthMbps}}, required for a mothership; null when not given
 * @param urls URL patterns, required for a rain server
 */
public record AgentIdentity(String kind, String name, String address, JsonObject capacity,
    Map<String, String> labels, List<String> urls, String agentVersion) {

  public static final List<String> KINDS = List.of("mothership", "rainserver", "generic");

  public AgentIdentity {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("kind must be one of " + KINDS + ": " + kind);
    }
    if ("mothership".equals(kind) && capacity == null) {
      throw new IllegalArgumentException("a mothership must state its capacity");
    }
    if ("rainserver".equals(kind) && urls.isEmpty()) {
      throw new IllegalArgumentException("a rain server must state its URL patterns");
    }
    labels = Map.copyOf(labels);
    urls = List.copyOf(urls);
  }

  /** The version in the jar's manifest, "dev" when run from classes. */
  public static String currentVersion() {
    String version = AgentIdentity.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
