package io.rainhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.SqlDialect;
import io.rainhub.testing.TestDatabase;
import io.rainhub.testing.TestHub;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every operation of {@code openapi/rainhub.yaml}, sent as raw bytes with hostile paths, queries,
 * headers and bodies: never a 5xx, every error is problem+json, and a refused request changes
 * nothing (the event log's newest sequence stays put). The generator is seeded (printed; rerun one
 * with {@code -Dfuzz.seed=N}) and bounded in requests and time, so CI stays about a minute.
 */
class HostileRequestsFuzzTest {

  private static final int REQUESTS = Integer.getInteger("fuzz.requests", 1500);
  private static final long BUDGET_MILLIS = Long.getLong("fuzz.budgetMillis", 60_000);
  private static final List<String> METHODS = List.of("get", "post", "put", "delete", "patch");
  /** Streams stay open by design: they get their own tests. */
  private static final List<String> SKIPPED = List.of("/v1.0/events/stream", "/v1.0/events/ws", "/agents/ws");

  private static final List<String> SEGMENTS = List.of("%zz", "%", "%00", "%C3%28", "..%2F..%2Fetc%2Fpasswd", "",
      "%E2%82", "a%2Fb", "%25", "x".repeat(300), "00000000-0000-0000-0000-000000000000", "all", "-1", "1e309",
      "%F0%9F%92%A9", "';DROP%20TABLE%20events;--");
  private static final List<String> QUERIES = List.of("since=%zz", "start=%", "range=-5", "limit=abc",
      "since=99999999999999999999", "types=%", "url=%&session=%zz", "since=1&since=2", "a=%C3", "limit=1e309",
      "=&=&", "start=1&range=100000");
  private static final List<String> CONTENT_TYPES = List.of("application/json", "APPLICATION/JSON", "*/*",
      "text/plain", "application/json; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data",
      "application/json\u0001", "");
  private static final List<String> BODIES = List.of("{}", "[]", "null", "\"x\"", "1", "{\"name\":1}",
      "{\"name\":\"\",\"address\":\"\"}", "{\"a\":", "{\"capacity\":{\"cpu\":1e309}}", "{\"id\":\"%zz\",\"version\":[]}",
      "{\"username\":\"admin\",\"password\":\"\"}", "{\"draining\":\"yes\"}", "{\"ttlSeconds\":-1}",
      "[".repeat(2000) + "]".repeat(2000), "{\"x\":\"" + "y".repeat(100_000) + "\"}", "\u00ff\u00fe\u0000garbage");

  private record Operation(String method, String path) {
  }

  @Test
  void noHostileRequestGetsA5xxOrAnUnstructuredErrorOrChangesAnything() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("HostileRequestsFuzzTest seed " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
    Random random = new Random(seed);
    List<Operation> operations = documentedOperations();
    List<String> failures = new ArrayList<>();
    int sent = 0;
    try (TestHub hub = TestHub.start(TestDatabase.create(SqlDialect.H2), new JsonObject())) {
      String admin = TestHub.await(hub.adminToken());
      long deadline = System.currentTimeMillis() + BUDGET_MILLIS;
      long newest = newestSeq(hub, admin);
      for (; sent < REQUESTS && System.currentTimeMillis() < deadline; sent++) {
        Operation operation = operations.get(random.nextInt(operations.size()));
        String method = random.nextInt(10) == 0 ? pick(random, METHODS) : operation.method();
        String target = path(random, operation.path()) + (random.nextInt(3) == 0 ? "?" + pick(random, QUERIES) : "");
        String token = switch (random.nextInt(8)) {
          case 0 -> null;
          case 1 -> "not-a-token";
          default -> admin;
        };
        boolean withBody = !method.equals("get") && random.nextInt(4) != 0;
        Response response;
        try {
          response = send(hub.port(), method.toUpperCase(), target, token,
              withBody ? pick(random, CONTENT_TYPES) : null, withBody ? pick(random, BODIES) : null);
        } catch (java.net.SocketTimeoutException silent) {
          response = new Response(-1, "", "no answer within 15 s");
        }
        String request = method.toUpperCase() + " " + abbreviate(target) + " -> " + response.status;
        if (response.status >= 500 || response.status < 100) {
          failures.add(request + " " + abbreviate(response.body));
        } else if (response.status >= 400) {
          if (!response.contentType.startsWith("application/problem+json")) {
            failures.add(request + " with Content-Type '" + response.contentType + "'");
          } else if (!problemWithStatus(response)) {
            failures.add(request + " with a problem body that does not say its status: " + abbreviate(response.body));
          }
          long now = newestSeq(hub, admin);
          if (now != newest) {
            failures.add(request + " was refused but the event log moved from " + newest + " to " + now);
          }
          newest = now;
        } else {
          newest = newestSeq(hub, admin);
        }
      }
    }
    System.out.println("HostileRequestsFuzzTest sent " + sent + " requests, " + failures.size() + " failure(s)");
    assertThat(sent).as("requests sent within the budget").isGreaterThan(200);
    assertThat(failures).withFailMessage(() -> "seed " + seed + ", " + failures.size() + " failure(s), the first:\n"
        + String.join("\n", failures.subList(0, Math.min(20, failures.size())))).isEmpty();
  }

  private static String path(Random random, String template) {
    StringBuilder path = new StringBuilder();
    for (String part : template.split("/", -1)) {
      if (path.length() > 0 || !part.isEmpty()) {
        path.append('/');
      }
      path.append(part.startsWith("{") ? pick(random, SEGMENTS) : part);
    }
    return path.length() == 0 ? "/" : path.toString();
  }

  private static boolean problemWithStatus(Response response) {
    try {
      return new JsonObject(response.body).getInteger("status", -1) == response.status;
    } catch (RuntimeException notJson) {
      return false;
    }
  }

  private static long newestSeq(TestHub hub, String admin) {
    return TestHub.await(hub.get("/v1.0/events?since=0&limit=1", admin)).bodyAsJsonObject().getLong("newestSeq");
  }

  private record Response(int status, String contentType, String body) {
  }

  /** One request on its own connection, written byte for byte: no client library cleans it up first. */
  private static Response send(int port, String method, String target, String token, String contentType, String body)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.ISO_8859_1);
      StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Connection: close\r\n");
      if (token != null) {
        head.append("Authorization: Bearer ").append(token).append("\r\n");
      }
      if (contentType != null) {
        head.append("Content-Type: ").append(contentType).append("\r\n");
      }
      if (body != null) {
        head.append("Content-Length: ").append(payload.length).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(payload);
      out.flush();
      return parse(socket.getInputStream());
    }
  }

  private static Response parse(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Response(-1, "", "no HTTP answer: " + abbreviate(text));
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].substring(9, 12));
    String contentType = "";
    for (String line : lines) {
      if (line.regionMatches(true, 0, "Content-Type:", 0, 13)) {
        contentType = line.substring(13).trim().toLowerCase();
      }
    }
    String body = text.substring(end + 4);
    if (text.substring(0, end).toLowerCase().contains("transfer-encoding: chunked")) {
      body = unchunk(body);
    }
    return new Response(status, contentType, body);
  }

  private static String unchunk(String chunked) {
    StringBuilder body = new StringBuilder();
    int at = 0;
    while (at < chunked.length()) {
      int lineEnd = chunked.indexOf("\r\n", at);
      if (lineEnd < 0) {
        break;
      }
      int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      body.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    return body.toString();
  }

  @SuppressWarnings("unchecked")
  private List<Operation> documentedOperations() throws IOException {
    Map<String, Object> document;
    try (InputStream yaml = getClass().getClassLoader().getResourceAsStream(HttpApiVerticle.OPENAPI_RESOURCE)) {
      document = new Yaml().load(yaml);
    }
    List<Operation> operations = new ArrayList<>();
    ((Map<String, Object>) document.get("paths")).forEach((path, item) -> {
      if (SKIPPED.contains(path)) {
        return;
      }
      for (String key : ((Map<String, Object>) item).keySet()) {
        if (METHODS.contains(key)) {
          operations.add(new Operation(key, path));
        }
      }
    });
    return operations;
  }

  private static <T> T pick(Random random, List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
