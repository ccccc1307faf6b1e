package io.rainhub.bench;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The takeover benchmark's fresh database on a PostgreSQL server (created at start, dropped at the
 * end), and the audit of what the hubs wrote there, read over JDBC once every hub is stopped.
 */
final class TakeoverDatabase implements AutoCloseable {

  private final String serverJdbc;
  private final String name;
  private final String hubUri;
  private final Properties credentials = new Properties();
  private boolean dropped;

  /** @param serverUri {@code postgresql://user[:password]@host:port/db} of a database to connect to first */
  private TakeoverDatabase(URI serverUri, String prefix) {
    if (!"postgresql".equals(serverUri.getScheme()) || serverUri.getHost() == null) {
      throw new IllegalArgumentException("--db must be postgresql://user@host:port/db, not " + serverUri);
    }
    String userInfo = serverUri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      credentials.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) {
        credentials.setProperty("password", decode(userInfo.substring(colon + 1)));
      }
    }
    int port = serverUri.getPort() > 0 ? serverUri.getPort() : 5432;
    String hostPort = serverUri.getHost() + ":" + port;
    String path = serverUri.getPath() == null || serverUri.getPath().length() <= 1 ? "/postgres" : serverUri.getPath();
    this.serverJdbc = "jdbc:postgresql://" + hostPort + path;
    this.name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    this.hubUri = "postgresql://" + (userInfo == null ? "" : userInfo + "@") + hostPort + "/" + name;
  }

  static TakeoverDatabase create(URI serverUri) throws SQLException {
    return create(serverUri, "rainhub_takeover_");
  }

  /** A fresh database named {@code prefix} and a random suffix (the topology benchmark's too). */
  static TakeoverDatabase create(URI serverUri, String prefix) throws SQLException {
    TakeoverDatabase database = new TakeoverDatabase(serverUri, prefix);
    try (Connection server = DriverManager.getConnection(database.serverJdbc, database.credentials);
         Statement statement = server.createStatement()) {
      statement.execute("CREATE DATABASE " + database.name);
    }
    return database;
  }

  /** What the hubs get as {@code --db}. */
  String hubUri() {
    return hubUri;
  }

  String name() {
    return name;
  }

  /** What the audit found in the database. */
  record Audit(long events, long leaderEvents, long staleEpochWrites, long epochsInEvents, long finalEpoch,
               Map<String, Integer> storedByName) {}

  /** Reads the audit; {@code namePrefix} selects the benchmark's motherships. */
  Audit audit(String namePrefix) throws SQLException {
    try (Connection db = connect()) {
      long events = single(db, "SELECT COUNT(*) FROM events");
      long leaderEvents = single(db, "SELECT COUNT(*) FROM events WHERE epoch IS NOT NULL");
      // An event written with an epoch below the highest one already written before it (by seq): a
      // deposed leader's write applied after its successor began writing.
      long stale = single(db, "SELECT COUNT(*) FROM (SELECT epoch, MAX(epoch) OVER (ORDER BY seq ROWS BETWEEN"
          + " UNBOUNDED PRECEDING AND 1 PRECEDING) AS highest_before FROM events WHERE epoch IS NOT NULL) e"
          + " WHERE e.epoch < e.highest_before");
      long epochs = single(db, "SELECT COUNT(DISTINCT epoch) FROM events WHERE epoch IS NOT NULL");
      long finalEpoch = single(db, "SELECT epoch FROM leases WHERE name = 'singletons'");
      Map<String, Integer> stored = new HashMap<>();
      try (PreparedStatement query = db.prepareStatement(
          "SELECT name, COUNT(*) FROM motherships WHERE name LIKE ? GROUP BY name")) {
        query.setString(1, namePrefix + "%");
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            stored.put(rows.getString(1), rows.getInt(2));
          }
        }
      }
      return new Audit(events, leaderEvents, stale, epochs, finalEpoch, stored);
    }
  }

  /** The lease's epoch now, for the progress lines. */
  long epoch() throws SQLException {
    try (Connection db = connect()) {
      return single(db, "SELECT epoch FROM leases WHERE name = 'singletons'");
    }
  }

  /** Who holds the lease now, as the hub describes itself ("hub on HOST (pid N, …)"). */
  String holderInfo() throws SQLException {
    try (Connection db = connect(); Statement statement = db.createStatement();
         ResultSet rows = statement.executeQuery("SELECT holder_info FROM leases WHERE name = 'singletons'")) {
      return rows.next() ? String.valueOf(rows.getString(1)) : "none";
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(serverJdbc.substring(0, serverJdbc.lastIndexOf('/') + 1) + name, credentials);
  }

  private static long single(Connection db, String sql) throws SQLException {
    try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /** Drops the database (the hubs must be stopped first); once. */
  @Override
  public synchronized void close() {
    if (dropped) {
      return;
    }
    dropped = true;
    try (Connection server = DriverManager.getConnection(serverJdbc, credentials);
         Statement statement = server.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      System.err.println("benchmark: could not drop database " + name + ": " + e.getMessage());
    }
  }
}
