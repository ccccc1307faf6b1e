package io.rainhub.api;

import io.rainhub.metrics.HubMetrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import java.util.List;

/**
 * Handlers that apply across areas: request ids and bodies come first, the people's token check
 * comes before their routes, and problem+json for every failure comes last.
 */
final class CommonHandlers {

  /** The people's API: the versioned API and the RAIN cloud API. */
  private static final List<String> PEOPLE_PREFIXES = List.of("/v1.0/*", "/rainservers*", "/mothership*", "/webcomponent*");
  /** Browsers send their token there as a subprotocol ({@link SubprotocolBearer}). */
  private static final String EVENTS_WEBSOCKET = "/v1.0/events/ws";
  private static final List<Integer> PROBLEM_STATUSES = List.of(400, 401, 403, 404, 405, 413, 415, 500, 503);

  private final JWTAuth jwt;
  private final long bodyLimit;
  private final ProblemResponder problems;

  CommonHandlers(JWTAuth jwt, HubMetrics metrics, long bodyLimit) {
    this.jwt = jwt;
    this.bodyLimit = bodyLimit;
    this.problems = new ProblemResponder(metrics, bodyLimit);
  }

  private static boolean isForm(String contentType) {
    return contentType != null && (contentType.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)
        || contentType.regionMatches(true, 0, "multipart/", 0, 10));
  }

  void requestIdsAndBodies(Router router) {
    router.route().handler(new RequestIds());
    router.route().handler(new RequestTargets());
    // Only methods that carry a body pay for reading one. (A method-restricted route would turn
    // every unknown GET path into a 405, so the choice is made in the handler.)
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(bodyLimit);
    router.route().handler(ctx -> {
      HttpMethod method = ctx.request().method();
      if (method == HttpMethod.POST || method == HttpMethod.PUT) {
        if (isForm(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
          // No route takes a form, and decoding one fails on bad input before any route can refuse it.
          ctx.fail(new ProblemException(new Problem(415, "Unsupported media type", "This hub reads JSON bodies"
              + " (Content-Type: application/json), not forms.",
              List.of(new Problem.InvalidParam("Content-Type", "must be application/json")))));
          return;
        }
        bodies.handle(ctx);
      } else {
        ctx.next();
      }
    });
  }

  /** Agent tokens (role agent only) open the agent gateway, not the people's API. */
  void peopleTokens(Router router) {
    var people = Roles.requireAny(Roles.ADMIN, Roles.USER);
    router.route(EVENTS_WEBSOCKET).handler(new SubprotocolBearer());
    for (String prefix : PEOPLE_PREFIXES) {
      router.route(prefix).handler(new RainUserHeader());
      router.route(prefix).handler(JWTAuthHandler.create(jwt)).handler(people);
    }
  }

  void problems(Router router) {
    router.route().failureHandler(problems);
    for (int status : PROBLEM_STATUSES) {
      router.errorHandler(status, problems);
    }
  }
}
