package io.rainhub.hub;

import io.rainhub.identity.IdentityVerticle;
import io.rainhub.store.DatabaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The embedded database's file, checked before anything opens it for writing: H2 would silently
 * make a new, empty database of an empty, truncated or missing file, and the hub would re-create
 * admin over the loss. Like etcd and Kubernetes on a damaged data directory, the hub refuses to
 * start instead; only a data directory that never held a database gets a new one.
 */
final class EmbeddedDataDirectory {

  /** Written once the database exists: its presence without the database means the database was lost. */
  static final String MARKER = "database-created";
  private static final String SCHEMA_HISTORY = "flyway_schema_history";
  private static final int H2_DATABASE_IS_READ_ONLY = 90097;

  private EmbeddedDataDirectory() {
  }

  /** @throws DamagedDatabase naming the file, what is wrong and what to do */
  static void check(Path dataDirectory, DatabaseConfig database) {
    Path dataDir = dataDirectory.toAbsolutePath().normalize();
    Path file = Path.of(database.h2File() + ".mv.db");
    if (!Files.exists(file)) {
      for (Path trace : List.of(dataDir.resolve(MARKER), dataDir.resolve(IdentityVerticle.ADMIN_PASSWORD_FILE))) {
        if (Files.exists(trace)) {
          throw new DamagedDatabase("the database file " + file + " is missing, but " + dataDir
              + " held one (" + trace.getFileName() + " is there): restore the file from a backup,"
              + " or move " + dataDir + " away to start afresh with an empty database");
        }
      }
      return;
    }
    if (!Files.isRegularFile(file)) {
      throw refused(file, "is not a regular file");
    }
    if (!Files.isReadable(file) || !Files.isWritable(file)) {
      throw refused(file, "cannot be read and written by this user; fix its owner or permissions");
    }
    try {
      if (Files.size(file) == 0) {
        throw refused(file, "is empty (0 bytes)");
      }
    } catch (IOException e) {
      throw refused(file, "cannot be read (" + e.getMessage() + ")");
    }
    // Read-only, so that opening a damaged file cannot change it; a file H2 opens but that holds no
    // schema history was cut short (H2 makes an empty database of a file holding only its header).
    try (Connection connection = DriverManager.getConnection(
            database.jdbcUrl() + ";IFEXISTS=TRUE;ACCESS_MODE_DATA=r", database.user(), database.password());
         ResultSet tables = connection.getMetaData().getTables(null, null, SCHEMA_HISTORY, null)) {
      if (!tables.next()) {
        throw refused(file, "holds no Rain Hub schema: it is truncated or not a Rain Hub database");
      }
    } catch (SQLException e) {
      if (e.getErrorCode() == H2_DATABASE_IS_READ_ONLY) {
        // Opened read-only, H2 found nothing to read and wanted to initialise a new database.
        throw refused(file, "holds no Rain Hub schema: it is truncated or not a Rain Hub database");
      }
      throw refused(file, "cannot be opened, it is damaged or truncated (" + firstLine(e.getMessage()) + ")");
    }
  }

  /** Records that this data directory holds a database (also for directories made before the marker). */
  static void markCreated(Path dataDir) throws IOException {
    Path marker = dataDir.resolve(MARKER);
    if (!Files.exists(marker)) {
      Files.writeString(marker, "Rain Hub keeps its database in this directory. Without the database file,"
          + " the hub refuses to start rather than create an empty one.\n");
    }
  }

  private static DamagedDatabase refused(Path file, String what) {
    return new DamagedDatabase("the database file " + file + " " + what
        + ": restore it from a backup, or move it away to start afresh with an empty database");
  }

  private static String firstLine(String message) {
    String text = String.valueOf(message);
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }

  /** The hub does not start on this data directory: running on it would hide a loss. */
  static final class DamagedDatabase extends IllegalStateException {
    DamagedDatabase(String message) {
      super(message);
    }
  }
}
