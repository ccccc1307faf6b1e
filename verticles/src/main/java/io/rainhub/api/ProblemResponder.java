package io.rainhub.api;

import io.rainhub.bus.BusFailure;
import io.rainhub.metrics.HubMetrics;
import io.vertx.core.Handler;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders every failure as {@code application/problem+json}: the router's own errors (404, 405,
 * 413, 415), auth refusals, validation and domain failures from verticles, and, at the server's
 * layer, what the HTTP codec could not read ({@link #invalidRequest}, {@link CodecRefusals}).
 * Anything unexpected is logged with its stack trace and request id; the client gets a 500 with
 * only the id.
 */
final class ProblemResponder implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemResponder.class);

  private final HubMetrics metrics;
  private final long bodyLimit;

  ProblemResponder(HubMetrics metrics, long bodyLimit) {
    this.metrics = metrics;
    this.bodyLimit = bodyLimit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    send(ctx, toProblem(ctx));
  }

  /**
   * The server's invalid-request handler: the codec could not read the request's head (line or
   * headers too long, malformed syntax, an unsupported version), so no route sees it. The answer
   * closes the connection, as the rest of the stream cannot be trusted to be framed.
   */
  void invalidRequest(HttpServerRequest request) {
    Problem problem = forUnreadable(request.decoderResult().cause());
    String requestId = RequestIds.newId();
    metrics.problem(problem.status());
    request.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE)
        .putHeader(RequestIds.HEADER, requestId)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(problem.toJson(requestId).encode())
        .onComplete(sent -> request.connection().close());
  }

  /** What a request the codec refused gets. Netty's messages stay out: they quote the input. */
  static Problem forUnreadable(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return new Problem(414, "URI too long", "The request line is longer than the hub accepts ("
          + HttpApiVerticle.MAX_REQUEST_LINE + " bytes).");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new Problem(431, "Request header fields too large", "The request's headers are larger than the hub "
          + "accepts (" + HttpApiVerticle.MAX_HEADERS + " bytes in all).");
    }
    if (cause instanceof CodecRefusals.UnsupportedVersion version) {
      return new Problem(505, "HTTP version not supported", "The hub speaks HTTP/1.0 and HTTP/1.1, not "
          + version.version() + ".");
    }
    return new Problem(400, "Bad request", "The request is not well-formed HTTP/1.1 (request line, headers, "
        + "Content-Length or chunked framing).");
  }

  void count(int status) {
    metrics.problem(status);
  }

  private void send(RoutingContext ctx, Problem problem) {
    String requestId = RequestIds.of(ctx);
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    metrics.problem(problem.status());
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE)
        .putHeader(RequestIds.HEADER, requestId)
        .end(problem.toJson(requestId).encode());
  }

  private Problem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ProblemException answer) {
      return answer.problem();
    }
    if (failure instanceof ReplyException reply) {
      return fromBus(ctx, reply);
    }
    if (ctx.response().closed()) {
      // The client (or CodecRefusals, having answered) closed the connection: no one to tell.
      return new Problem(400, "Connection closed", "The connection closed before the request was read.");
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    if (status < 400 || failure != null && !(failure instanceof HttpException)) {
      LOG.error("Request {} {} {} failed", RequestIds.of(ctx), ctx.request().method(), ctx.request().path(), failure);
      return new Problem(500, "Internal error",
          "The hub failed to handle this request; report request id " + RequestIds.of(ctx) + ".");
    }
    return forStatus(ctx, status);
  }

  private Problem forStatus(RoutingContext ctx, int status) {
    String path = ctx.request().path();
    return switch (status) {
      case 400 -> new Problem(400, "Bad request", "The request could not be read.");
      case 401 -> new Problem(401, "Unauthorized",
          "A valid token is required: send 'Authorization: Bearer <token>' (or the token in a 'user' header);"
              + " get one from POST /auth/login.");
      case 403 -> new Problem(403, "Forbidden", "Your token is valid but its roles do not allow this operation.");
      case 404 -> new Problem(404, "Not found", "No resource at " + path + ".");
      case 405 -> new Problem(405, "Method not allowed",
          ctx.request().method() + " is not supported on " + path + ".");
      case 413 -> new Problem(413, "Request body too large",
          "The request body exceeds the hub's limit of " + bodyLimit + " bytes.");
      case 415 -> new Problem(415, "Unsupported media type",
          "This route takes 'Content-Type: application/json'; got "
              + (ctx.request().getHeader(HttpHeaders.CONTENT_TYPE) == null ? "none"
              : "'" + ctx.request().getHeader(HttpHeaders.CONTENT_TYPE) + "'") + ".",
          List.of(new Problem.InvalidParam("Content-Type", "must be application/json")));
      case 503 -> new Problem(503, "Service unavailable", "The hub cannot serve this request right now; retry.");
      default -> new Problem(status, "Error", "The request failed with status " + status + ".");
    };
  }

  private static Problem fromBus(RoutingContext ctx, ReplyException reply) {
    return switch (reply.failureType()) {
      case TIMEOUT, NO_HANDLERS -> {
        LOG.warn("Request {}: no timely answer on the event bus: {}", RequestIds.of(ctx), reply.getMessage());
        yield new Problem(503, "Service unavailable", "The hub did not answer in time; retry.");
      }
      case RECIPIENT_FAILURE, ERROR -> {
        JsonObject body = BusFailure.body(reply);
        int status = reply.failureCode() >= 400 && reply.failureCode() < 600 ? reply.failureCode() : 500;
        String field = (String) body.remove("field");
        String detail = (String) body.remove("detail");
        yield new Problem(status, titleFor(status), detail,
            field == null ? List.of() : List.of(new Problem.InvalidParam(field, detail)), body);
      }
    };
  }

  private static String titleFor(int status) {
    return switch (status) {
      case 400 -> "Invalid request";
      case 401 -> "Unauthorized";
      case 404 -> "Not found";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 429 -> "Too many requests";
      case 503 -> "Service unavailable";
      default -> status >= 500 ? "Internal error" : "Request failed";
    };
  }
}
