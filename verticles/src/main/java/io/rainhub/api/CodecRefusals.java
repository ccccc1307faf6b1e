package io.rainhub.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;

/**
 * What the HTTP and WebSocket codecs refuse where Vert.x offers no handler, answered rather than
 * dropped. It sits in each connection's pipeline just before Vert.x's own handler:
 * <ul>
 *   <li>a version other than HTTP/1.0 or 1.1: Vert.x answers a bare 501 before any handler runs, so
 *   the request is marked undecodable here and reaches {@link ProblemResponder#invalidRequest} (505);
 *   <li>a body whose framing breaks (an invalid chunk size): Vert.x closes the connection at once,
 *   so the 400 problem is written here, then the connection closed;
 *   <li>a WebSocket frame over the frame limit (or otherwise corrupt): Vert.x closes the TCP
 *   connection without a close frame, so the close frame (1009 for size) is sent here first.
 * </ul>
 * It uses Vert.x's connection internals ({@code ConnectionBase}), the only way to the pipeline.
 */
final class CodecRefusals extends ChannelDuplexHandler {

  /** A request in an HTTP version the hub does not speak. */
  static final class UnsupportedVersion extends DecoderException {
    private final String version;

    UnsupportedVersion(String version) {
      super("unsupported HTTP version");
      this.version = version;
    }

    String version() {
      return version;
    }
  }

  private final ProblemResponder problems;
  private final int maxFrameBytes;
  /** Whether the hub started answering the current request; then a late body fault can only close. */
  private boolean answering;

  private CodecRefusals(ProblemResponder problems, int maxFrameBytes) {
    this.problems = problems;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Installs the handler on a new connection; on HTTP/2 it sees only frames and passes them on. */
  static void install(HttpConnection connection, ProblemResponder problems, int maxFrameBytes) {
    if (connection instanceof ConnectionBase base) {
      ChannelHandlerContext vertx = base.channelHandlerContext();
      vertx.pipeline().addBefore(vertx.name(), "rainhub-codec-refusals", new CodecRefusals(problems, maxFrameBytes));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      answering = false;
      HttpVersion version = request.protocolVersion();
      if (request.decoderResult().isSuccess() && !HttpVersion.HTTP_1_1.equals(version)
          && !HttpVersion.HTTP_1_0.equals(version)) {
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.setDecoderResult(DecoderResult.failure(new UnsupportedVersion(version.text())));
      }
    } else if (msg instanceof HttpContent content && content.decoderResult().isFailure() && !answering) {
      content.release();
      refuse(ctx, ProblemResponder.forUnreadable(content.decoderResult().cause()));
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse) {
      answering = true;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException corrupt && ctx.channel().isActive()) {
      WebSocketCloseStatus status = corrupt.closeStatus();
      String reason = status.code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()
          ? "frame over " + maxFrameBytes + " bytes" : status.reasonText();
      // ctx.close(), not channel().close(): the latter passes Vert.x's handler, which would wait
      // (10 s) for the client's close frame on a socket Vert.x does not know is closing.
      ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), reason)).addListener(written -> ctx.close());
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  private void refuse(ChannelHandlerContext ctx, Problem problem) {
    String requestId = RequestIds.newId();
    byte[] body = problem.toJson(requestId).encode().getBytes(StandardCharsets.UTF_8);
    DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(problem.status()), Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, Problem.CONTENT_TYPE)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(RequestIds.HEADER, requestId)
        .set(HttpHeaderNames.CONNECTION, "close");
    problems.count(problem.status());
    ctx.writeAndFlush(response).addListener(written -> ctx.close());
  }
}
