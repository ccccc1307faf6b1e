package io.rainhub.hub.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * What {@code rainhub login} keeps: the hub, the token, who logged in and until when. Profiles are
 * kept by name in one JSON file, {@code {"profiles": {"default": {hub, token, username, expiresAt}}}},
 * at {@code $RAINHUB_PROFILE} or {@code ~/.config/rainhub/profile.json}, readable by its owner only
 * (the token is a credential). Not {@code $RAINHUB_CONFIG}: that is already the hub's YAML file.
 */
public record Profile(String hub, String token, String username, String expiresAt) {

  public static final String DEFAULT = "default";
  /** Overrides {@link #ENVIRONMENT} (tests set it; a JVM cannot change its own environment). */
  static final String PROPERTY = "rainhub.profile";
  static final String ENVIRONMENT = "RAINHUB_PROFILE";

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

  public JsonObject toJson() {
    return new JsonObject().put("hub", hub).put("token", token).put("username", username).put("expiresAt", expiresAt);
  }

  static Profile fromJson(JsonObject json) {
    return new Profile(json.getString("hub"), json.getString("token"), json.getString("username"),
        json.getString("expiresAt"));
  }

  /** True once {@code expiresAt} has passed (a profile without one never expires here; the hub decides). */
  public boolean expired(Instant now) {
    if (expiresAt == null) {
      return false;
    }
    try {
      return !Instant.parse(expiresAt).isAfter(now);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** The profile file this process uses. */
  public static Path file() {
    String configured = System.getProperty(PROPERTY, System.getenv(ENVIRONMENT));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("user.home"), ".config", "rainhub", "profile.json");
  }

  /** The profile called {@code name}, or null when there is none. */
  public static Profile load(String name) {
    JsonObject profile = readFile(file()).getJsonObject("profiles", new JsonObject()).getJsonObject(name);
    return profile == null ? null : fromJson(profile);
  }

  /** Writes (or replaces) the profile called {@code name}, keeping the others; the file ends up mode 600. */
  public static Path save(String name, Profile profile) {
    Path file = file();
    JsonObject all = readFile(file);
    JsonObject profiles = all.getJsonObject("profiles", new JsonObject());
    profiles.put(name, profile.toJson());
    all.put("profiles", profiles);
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        setPermissions(dir, OWNER_ONLY_DIR);
      }
      // Written beside the target with owner-only permissions, then moved: the token is never readable by others.
      Path temporary = dir.resolve(file.getFileName() + ".tmp");
      Files.deleteIfExists(temporary);
      createOwnerOnly(temporary);
      Files.writeString(temporary, all.encodePrettily() + "\n");
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      setPermissions(file, OWNER_ONLY);
      return file;
    } catch (IOException e) {
      throw CliException.refused("cannot write the profile file " + file + ": " + e.getMessage());
    }
  }

  private static JsonObject readFile(Path file) {
    if (!Files.exists(file)) {
      return new JsonObject();
    }
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException | DecodeException e) {
      throw CliException.refused("cannot read the profile file " + file + ": " + e.getMessage()
          + " (delete it and run rainhub login)");
    }
  }

  private static void createOwnerOnly(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      setPermissions(file, OWNER_ONLY);
    }
  }

  private static void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, permissions);
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing more can be done here
    }
  }
}
