package io.rainhub.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@code state.json} in the agent's state directory. Each save writes a temporary file, forces
 * it to the disk and renames it over the previous one, so a kill -9 or a power cut leaves either
 * the previous or the next state, never half of one.
 */
public final class FileStateStore implements StateStore {

  public static final String FILE_NAME = "state.json";

  private final Vertx vertx;
  private final Path file;
  private final Path temporary;

  public FileStateStore(Vertx vertx, Path stateDir) {
    this.vertx = vertx;
    this.file = stateDir.resolve(FILE_NAME);
    this.temporary = stateDir.resolve(FILE_NAME + ".tmp");
  }

  /** Blocking. A missing file is a new node; an unreadable one stops the agent rather than forget commands. */
  public AgentState load() throws IOException {
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      return AgentState.empty();
    }
    return AgentState.fromJson(new JsonObject(Files.readString(file)));
  }

  @Override
  public Future<Void> save(AgentState state) {
    Buffer json = state.toJson().toBuffer();
    // Ordered: two saves in flight must land in the order they were asked for.
    return vertx.executeBlocking(() -> {
      write(json);
      return null;
    }, true);
  }

  private void write(Buffer json) throws IOException {
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(json.getBytes());
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory();
  }

  /** Makes the rename itself durable. Not every platform can open a directory; Linux can. */
  private void forceDirectory() {
    try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException notSupported) {
      // the rename is still atomic, only its durability waits for the file system's next flush
    }
  }
}
