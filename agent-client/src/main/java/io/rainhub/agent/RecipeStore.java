package io.rainhub.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The recipes the hub shipped to this node, in {@code recipes/<type>/<version>/} with their digest
 * in {@code .digest}. A recipe is written to a fresh directory and renamed into place, so a stage
 * never sees half of one. Blocking; a node's commands run one at a time, so no two calls race.
 */
public final class RecipeStore {

  public static final String DIGEST_FILE = ".digest";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final int MAX_FILE_NAME_CHARS = 128;
  private static final int MAX_DIGEST_CHARS = 256;

  private final NodeLayout layout;

  public RecipeStore(NodeLayout layout) {
    this.layout = layout;
  }

  /** @throws IllegalArgumentException naming what is not a usable type or version */
  public static void checkTypeAndVersion(String type, String version) {
    checkName("type", type);
    checkName("version", version);
  }

  public static void checkDigest(String digest) {
    if (digest.length() > MAX_DIGEST_CHARS || digest.contains("\n") || digest.contains("\r")) {
      throw new IllegalArgumentException("args.digest must be one line of at most " + MAX_DIGEST_CHARS
          + " characters");
    }
  }

  /**
   * Replaces whatever was installed for {@code type/version} with {@code files}; {@code *.sh}
   * files are executable.
   *
   * @throws IllegalArgumentException before writing anything, when a name is not a plain file name
   */
  public void install(String type, String version, String digest, Map<String, String> files) throws IOException {
    checkTypeAndVersion(type, version);
    checkDigest(digest);
    files.keySet().forEach(RecipeStore::checkFileName);
    Path target = layout.recipeDir(type, version);
    Path parent = Files.createDirectories(target.getParent());
    removeLeftovers(parent, version);
    // Hidden names beside the target: same file system (the renames are atomic), never a version.
    Path fresh = parent.resolve("." + version + ".new-" + UUID.randomUUID());
    Files.createDirectory(fresh);
    try {
      for (Map.Entry<String, String> file : files.entrySet()) {
        Path written = Files.writeString(fresh.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        if (file.getKey().endsWith(".sh")) {
          executable(written);
        }
      }
      Files.writeString(fresh.resolve(DIGEST_FILE), digest, StandardCharsets.UTF_8);
      Path old = parent.resolve("." + version + ".old-" + UUID.randomUUID());
      boolean replacing = Files.exists(target);
      if (replacing) {
        // A directory cannot be renamed over a non-empty one: move the old aside first.
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
      if (replacing) {
        NodeLayout.deleteTree(old);
      }
    } catch (IOException | RuntimeException failed) {
      NodeLayout.deleteTree(fresh);
      throw failed;
    }
  }

  /** The digest installed for {@code type/version}, or null when none is. */
  public String installedDigest(String type, String version) throws IOException {
    checkTypeAndVersion(type, version);
    Path digest = layout.recipeDir(type, version).resolve(DIGEST_FILE);
    return Files.isRegularFile(digest) ? Files.readString(digest, StandardCharsets.UTF_8) : null;
  }

  /** The script of {@code stage} in an installed recipe; it may not exist (nothing to do). */
  public Path script(String type, String version, String stage) {
    checkTypeAndVersion(type, version);
    return layout.recipeDir(type, version).resolve(stage + ".sh");
  }

  private static void checkName(String what, String value) {
    // No leading dot: those names are the store's own temporary directories.
    if (value == null || !NAME.matcher(value).matches() || value.startsWith(".")) {
      throw new IllegalArgumentException("args." + what + " must be 1-64 of [A-Za-z0-9._-], not starting with '.': "
          + value);
    }
  }

  private static void checkFileName(String name) {
    boolean plain = !name.isEmpty() && name.length() <= MAX_FILE_NAME_CHARS && !name.equals(".")
        && !name.contains("..") && name.chars().noneMatch(c -> c == '/' || c == '\\' || c < ' ');
    if (!plain || name.equals(DIGEST_FILE)) {
      throw new IllegalArgumentException("a recipe file name must be a plain name of at most " + MAX_FILE_NAME_CHARS
          + " characters (no '/', '\\', '..' or control characters; not " + DIGEST_FILE + "): " + name);
    }
  }

  /** What a crash between the writes and the renames left behind. */
  private static void removeLeftovers(Path parent, String version) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, "." + version + ".{new,old}-*")) {
      for (Path entry : entries) {
        NodeLayout.deleteTree(entry);
      }
    }
  }

  private static void executable(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException notPosix) {
      file.toFile().setExecutable(true);
    }
  }
}
