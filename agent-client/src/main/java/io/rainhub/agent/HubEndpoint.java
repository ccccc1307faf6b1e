package io.rainhub.agent;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where the hub is, from {@code --hub}: {@code ws://}, {@code wss://}, {@code http://} or
 * {@code https://}, with an optional base path. Both transports use it: the scheme only says
 * whether TLS is on, so {@code ws://h:8080} reaches the HTTP fallback at {@code http://h:8080}.
 */
public record HubEndpoint(boolean ssl, String host, int port, String basePath) {

  public static HubEndpoint parse(String hub) {
    URI uri;
    try {
      uri = new URI(hub);
    } catch (URISyntaxException invalid) {
      throw new IllegalArgumentException("not a URI: " + hub);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean ssl = switch (scheme) {
      case "ws", "http" -> false;
      case "wss", "https" -> true;
      default -> throw new IllegalArgumentException("the hub's URI must start with ws://, wss://, http:// or https://: "
          + hub);
    };
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("the hub's URI has no host: " + hub);
    }
    // Vert.x wants an IPv6 literal without its brackets.
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
        : uri.getHost();
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return new HubEndpoint(ssl, host, port, path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
  }

  /** {@code path} under the hub's base path, e.g. {@code /agents/ws}. */
  public String path(String path) {
    return basePath + path;
  }

  /** For logs: the address the WebSocket transport connects to. */
  public String webSocketUri() {
    return (ssl ? "wss://" : "ws://") + hostAndPort() + path("/agents/ws");
  }

  /** For logs: the HTTP fallback's base. */
  public String httpUri() {
    return (ssl ? "https://" : "http://") + hostAndPort() + path("/agents/http");
  }

  private String hostAndPort() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
