package io.rainhub.api;

import io.vertx.core.http.ServerWebSocket;

/**
 * The promise both WebSockets make (agents, event streams): a message over the limit closes the
 * socket with 1009 and a reason. Vert.x drops an over-long assembled message and only reports it
 * to the exception handler; an over-long single frame is answered by {@link CodecRefusals}.
 */
public final class WebSocketLimits {

  public static final short MESSAGE_TOO_BIG = 1009;

  private WebSocketLimits() {
  }

  /** Whether Vert.x reported a message over the server's maximum message size. */
  public static boolean tooBig(Throwable failure) {
    return failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).contains("max message size");
  }

  /** Closes {@code socket} with 1009 when {@code failure} is a message over the limit; says whether it did. */
  public static boolean closeIfTooBig(ServerWebSocket socket, Throwable failure) {
    if (!tooBig(failure)) {
      return false;
    }
    if (!socket.isClosed()) {
      socket.close(MESSAGE_TOO_BIG, "message over " + HttpApiVerticle.MAX_WEBSOCKET_BYTES + " bytes");
    }
    return true;
  }
}
