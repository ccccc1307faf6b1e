package io.rainhub.hub.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The hub's REST API as the CLI uses it: one blocking call per request, JSON in and out, every
 * failure turned into a {@link CliException} that says in one line what went wrong.
 *
 * <p>It uses the JDK's {@link HttpClient} rather than Vert.x's WebClient: a command runs a few
 * requests in a row and exits, so blocking calls read straight, there is no Vert.x instance to
 * start and close (with its event-loop threads and log lines), and the SSE stream of
 * {@code events --follow} is a plain {@code Stream<String>} of lines. JSON stays Vert.x's
 * {@link JsonObject}, like the hub's.
 */
public final class HubApi {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final String hub;
  private final String token;
  private final HttpClient http;

  /** {@code token} may be null for the routes that need none ({@code /auth/login}). */
  public HubApi(String hub, String token) {
    this.hub = stripSlash(hub);
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  public String hub() {
    return hub;
  }

  /** {@code POST /auth/login}: the login answer ({@code token}, {@code expiresAt}, ...). */
  public static JsonObject login(String hub, String username, String password) {
    HubApi anonymous = new HubApi(hub, null);
    try {
      return anonymous.post("/auth/login", new JsonObject().put("username", username).put("password", password));
    } catch (CliException e) {
      if (e.status() == 401) {
        throw new CliException(CliException.REFUSED, "login as " + username + " failed (401): wrong username or password", 401);
      }
      throw e;
    }
  }

  public JsonObject get(String path) {
    return object(send(request(path).GET()));
  }

  public JsonObject post(String path, JsonObject body) {
    return object(send(request(path).POST(body(body))));
  }

  public JsonObject put(String path, JsonObject body) {
    return object(send(request(path).PUT(body(body))));
  }

  public JsonObject delete(String path) {
    return object(send(request(path).DELETE()));
  }

  /** The {@code items} of a list route, as objects. */
  public List<JsonObject> items(String path) {
    return objects(get(path).getJsonArray("items", new JsonArray()));
  }

  /**
   * Opens a long-lived GET (Server-Sent Events) and hands its lines to {@code line} until it
   * returns false or the stream ends. Problems before the stream starts are thrown as for any call;
   * a drop afterwards ends the call normally or with an {@link UncheckedIOException}.
   */
  public void stream(String path, String lastEventId, Predicate<String> line) {
    HttpRequest.Builder builder = authorized(HttpRequest.newBuilder(uri(path))).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      builder.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> response = exchange(builder.GET().build(), HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = response.body()) {
      if (response.statusCode() != 200) {
        throw problem(response.statusCode(), lines.reduce("", (a, b) -> a + b));
      }
      var iterator = lines.iterator();
      while (iterator.hasNext()) {
        if (!line.test(iterator.next())) {
          return;
        }
      }
    }
  }

  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public static List<JsonObject> objects(JsonArray array) {
    List<JsonObject> list = new ArrayList<>(array.size());
    for (Object item : array) {
      list.add((JsonObject) item);
    }
    return list;
  }

  private HttpRequest.Builder request(String path) {
    return authorized(HttpRequest.newBuilder(uri(path))).timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json").header("Accept", "application/json");
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder builder) {
    return token == null ? builder : builder.header("Authorization", "Bearer " + token);
  }

  private URI uri(String path) {
    try {
      return URI.create(hub + path);
    } catch (IllegalArgumentException e) {
      throw new CliException(CliException.UNREACHABLE, "not a valid hub URL: " + hub + path);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder builder) {
    HttpResponse<String> response = exchange(builder.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw problem(response.statusCode(), response.body());
    }
    return response;
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(CliException.UNREACHABLE, "interrupted");
    } catch (IOException | IllegalArgumentException e) {
      throw unreachable(e);
    }
  }

  /** Connection refused, unknown host, time-outs: one line naming the hub and what to do. */
  private CliException unreachable(Exception e) {
    String why;
    if (e instanceof HttpConnectTimeoutException) {
      why = "connection timed out";
    } else if (e instanceof HttpTimeoutException) {
      why = "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
    } else if (causedBy(e, ConnectException.class) || causedBy(e, UnresolvedAddressException.class)) {
      why = causedBy(e, UnresolvedAddressException.class) ? "unknown host" : "connection refused";
    } else {
      why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    return new CliException(CliException.UNREACHABLE,
        "cannot reach " + hub + " (" + why + "); is the hub running? (rainhub serve)");
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** A problem+json answer as one line: title, detail and the fields at fault. */
  static CliException problem(int status, String body) {
    JsonObject problem;
    try {
      problem = body == null || body.isBlank() ? new JsonObject() : new JsonObject(body);
    } catch (DecodeException e) {
      problem = new JsonObject().put("detail", body.strip());
    }
    StringBuilder line = new StringBuilder().append(problem.getString("title", "HTTP " + status))
        .append(" (").append(status).append(")");
    String detail = problem.getString("detail");
    if (detail != null && !detail.isBlank()) {
      line.append(": ").append(detail);
    }
    JsonArray fields = problem.getJsonArray("invalid-params");
    if (fields != null && !fields.isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (JsonObject field : objects(fields)) {
        parts.add(field.getString("name") + " " + field.getString("reason"));
      }
      line.append(" [").append(String.join("; ", parts)).append("]");
    }
    if (status == 401) {
      line.append("; run rainhub login");
    }
    return new CliException(CliException.REFUSED, line.toString(), status);
  }

  private static JsonObject object(HttpResponse<String> response) {
    String body = response.body();
    if (body == null || body.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(body);
    } catch (DecodeException e) {
      throw CliException.refused("the hub answered something that is not a JSON object: " + abbreviate(body));
    }
  }

  private static HttpRequest.BodyPublisher body(JsonObject json) {
    return HttpRequest.BodyPublishers.ofString(json.encode());
  }

  private static String abbreviate(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    return line.length() <= 120 ? line : line.substring(0, 117) + "...";
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
