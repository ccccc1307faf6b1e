package io.rainhub.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** Flags for an in-process standalone hub in a test: its own data dir, an empty config file, a free port on loopback. */
final class LocalHubFlags {

  private LocalHubFlags() {
  }

  /** A mutable map: tests add the flags they are about. */
  static Map<HubOption, String> in(Path dataDir) throws IOException {
    Path noConfig = Files.writeString(dataDir.resolve("none.yaml"), "");
    Map<HubOption, String> flags = new EnumMap<>(HubOption.class);
    flags.put(HubOption.CONFIG, noConfig.toString());
    flags.put(HubOption.DATA_DIR, dataDir.toString());
    flags.put(HubOption.PORT, "0");
    flags.put(HubOption.HOST, "127.0.0.1");
    return flags;
  }
}
