package io.rainhub.agent;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a stage published in {@code $RAIN_EXPORTS_FILE}: {@code VAR=value} lines, blank lines and
 * {@code #} comments ignored, a later line for a variable replacing an earlier one. Bounded, so the
 * result stays far inside the protocol's limits for {@code data}: a file out of bounds fails the
 * stage rather than publish half of what the script meant.
 */
public final class StageExports {

  public static final int MAX_VARS = 64;
  public static final int MAX_VALUE_CHARS = 1024;
  static final long MAX_FILE_BYTES = 256 * 1024;
  private static final Pattern VAR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  private StageExports() {
  }

  /** @throws IllegalArgumentException naming the line or the bound at fault */
  public static JsonObject read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new JsonObject();
    }
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw new IllegalArgumentException("the exports file is over " + MAX_FILE_BYTES + " bytes");
    }
    return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static JsonObject parse(List<String> lines) {
    Map<String, Object> exports = new LinkedHashMap<>();
    for (int number = 1; number <= lines.size(); number++) {
      String line = lines.get(number - 1);
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int equals = line.indexOf('=');
      String name = equals < 0 ? "" : line.substring(0, equals).strip();
      if (!VAR.matcher(name).matches()) {
        throw new IllegalArgumentException("exports file line " + number + " is not VAR=value: " + shortened(line));
      }
      String value = line.substring(equals + 1);
      if (value.length() > MAX_VALUE_CHARS) {
        throw new IllegalArgumentException("export " + name + " is over " + MAX_VALUE_CHARS + " characters");
      }
      exports.put(name, value);
      if (exports.size() > MAX_VARS) {
        throw new IllegalArgumentException("the exports file has more than " + MAX_VARS + " variables");
      }
    }
    return new JsonObject(exports);
  }

  private static String shortened(String line) {
    return line.length() > 80 ? line.substring(0, 80) + "…" : line;
  }
}
