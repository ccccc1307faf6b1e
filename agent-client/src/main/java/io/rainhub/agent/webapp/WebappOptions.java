package io.rainhub.agent.webapp;

import java.util.Objects;

/** Where the webapp listens and which PostgreSQL database holds its counter. */
public record WebappOptions(String name, String host, int port, String dbHost, int dbPort, String dbName,
    String dbUser) {

  public WebappOptions {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dbHost, "dbHost");
    Objects.requireNonNull(dbName, "dbName");
    Objects.requireNonNull(dbUser, "dbUser");
    if (port < 0 || port > 65535 || dbPort < 1 || dbPort > 65535) {
      throw new IllegalArgumentException("ports must be in 1-65535 (0 for the HTTP port: any free one)");
    }
  }
}
