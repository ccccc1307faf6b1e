package io.rainhub.agent;

import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The frame envelope of docs/agent-protocol.md: {@code {type, id, seq, ts, body}}. */
public final class Frames {

  public static final int PROTOCOL = 1;

  public static final String HELLO = "hello";
  public static final String HEARTBEAT = "heartbeat";
  public static final String GOODBYE = "goodbye";
  public static final String ACK = "ack";
  public static final String RESULT = "result";
  public static final String EVENT = "event";
  public static final String ERROR = "error";
  public static final String WELCOME = "welcome";
  public static final String COMMAND = "command";

  private Frames() {
  }

  /** @param seq the sender's frame counter (agent) or the node's command sequence (hub) */
  public static JsonObject frame(String type, long seq, JsonObject body) {
    return new JsonObject()
        .put("type", type)
        .put("id", newId())
        .put("seq", seq)
        .put("ts", System.currentTimeMillis())
        .put("body", body);
  }

  /**
   * A random (version 4) UUID. Frame ids need to be unique, not unguessable, and the simulator
   * makes them by the hundred thousand a second: {@link UUID#randomUUID()}'s SecureRandom would
   * be the bottleneck.
   */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
