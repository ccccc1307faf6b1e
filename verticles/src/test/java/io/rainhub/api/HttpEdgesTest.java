package io.rainhub.api;

import static io.rainhub.testing.TestHub.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.SqlDialect;
import io.rainhub.testing.TestHub;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the HTTP server refuses below the router (the codec) and around it (encodings, media types,
 * WebSocket limits), each reproduced with the exact bytes a hostile client sends: every refusal is
 * problem+json with a request id, never a 5xx, never a silent close.
 */
class HttpEdgesTest {

  private static final int MIB = 1024 * 1024;
  private static TestHub hub;
  private static String admin;

  @BeforeAll
  static void start() {
    hub = TestHub.start(SqlDialect.H2);
    admin = await(hub.adminToken());
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  // ------------------------------------------------------------------ encodings in the target

  @Test
  void malformedPercentEncodingInAPathSegmentIs400EvenWithoutAToken() throws IOException {
    for (String path : List.of("/mothership/%zz", "/ui/%", "/v1.0/tenants/%zz", "/agents/http/commands?node=%")) {
      assertProblem(send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, path);
    }
  }

  @Test
  void malformedPercentEncodingInAQueryValueIs400() throws IOException {
    for (String target : List.of("/webcomponent/all?start=%", "/v1.0/events?since=%zz", "/v1.0/tenants?x=%e2%28")) {
      assertProblem(send("GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin
          + "\r\nConnection: close\r\n\r\n"), 400, target);
    }
  }

  // ------------------------------------------------------------------ what the codec refuses

  @Test
  void aRequestLineOver4KiBIs414() throws IOException {
    assertProblem(send("GET /health/live?pad=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "long line");
  }

  @Test
  void a20KBHeaderIs431() throws IOException {
    assertProblem(send("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(20_000) + "\r\n\r\n"), 431,
        "big header");
  }

  @Test
  void anUnsupportedHttpVersionIs505() throws IOException {
    assertProblem(send("GET /health/live HTTP/9.9\r\nHost: x\r\n\r\n"), 505, "HTTP/9.9");
  }

  @Test
  void controlBytesInAHeaderAGarbageRequestLineAndConflictingLengthsAre400() throws IOException {
    assertProblem(send("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/\u0001json\r\n"
        + "Content-Length: 2\r\n\r\n{}"), 400, "control byte");
    assertProblem(send("\u0007\u0001garbage\r\n\r\n"), 400, "garbage line");
    assertProblem(send("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}"), 400, "two lengths");
  }

  @Test
  void aChunkedPostWithAnInvalidChunkSizeIs400() throws IOException {
    assertProblem(send("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"), 400, "bad chunk size");
  }

  // ------------------------------------------------------------------ media types

  @Test
  void mediaTypesMatchCaseInsensitivelyWithParameters() throws IOException {
    for (String type : List.of("APPLICATION/JSON", "application/json; charset=UTF-8", "Application/Json;charset=utf-8")) {
      Response response = post("/auth/login", type, "{\"username\":\"admin\",\"password\":\"wrong-password\"}");
      assertProblem(response, 401, type);
    }
  }

  @Test
  void aWildcardOrMissingOrOtherTypeIsNotJson() throws IOException {
    for (String type : List.of("*/*", "application/*", "text/json", "application/jsonx")) {
      JsonObject problem = assertProblem(post("/auth/login", type, "{}"), 415, type);
      assertThat(problem.getString("detail")).contains("application/json");
    }
    JsonObject problem = assertProblem(send("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
        + "Connection: close\r\n\r\n{}"), 415, "no type");
    assertThat(problem.getString("detail")).contains("application/json");
  }

  // ------------------------------------------------------------------ WebSocket limits

  @Test
  void anAgentFrameOrMessageOverTheLimitIsClosed1009AndTheHubServesOn() {
    String agentToken = await(hub.postJson("/v1.0/agent-tokens", admin,
        new JsonObject().put("name", "edges-agent").put("ttlDays", 1))).bodyAsJsonObject().getString("token");
    for (boolean fragmented : List.of(false, true)) {
      CloseSeen close = oversized("/agents/ws", agentToken, fragmented);
      assertThat(close.code).as("agent socket, fragmented=" + fragmented).isEqualTo((short) 1009);
      assertThat(close.reason).as("reason").isNotBlank();
      assertThat(await(hub.client().get("/health/ready").send()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anEventStreamFrameOrMessageOverTheLimitIsClosed1009AndTheHubServesOn() {
    for (boolean fragmented : List.of(false, true)) {
      CloseSeen close = oversized("/v1.0/events/ws", admin, fragmented);
      assertThat(close.code).as("event socket, fragmented=" + fragmented).isEqualTo((short) 1009);
      assertThat(close.reason).as("reason").isNotBlank();
      assertThat(await(hub.get("/v1.0/tenants", admin)).statusCode()).isEqualTo(200);
    }
  }

  private record CloseSeen(Short code, String reason) {
  }

  /** Sends 1.5 MiB of text in one frame or in 64 KiB fragments, and waits for the hub's close. */
  private static CloseSeen oversized(String uri, String token, boolean fragmented) {
    // The client must be able to send what the hub refuses.
    WebSocketClient client = hub.vertx().createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(2 * MIB).setMaxMessageSize(4 * MIB));
    try {
      WebSocket socket = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(hub.port())
          .setURI(uri).addHeader("Authorization", "Bearer " + token)));
      Promise<CloseSeen> closed = Promise.promise();
      socket.closeHandler(v -> closed.tryComplete(new CloseSeen(socket.closeStatusCode(), socket.closeReason())));
      socket.exceptionHandler(failure -> { });
      String text = "x".repeat(3 * MIB / 2);
      if (fragmented) {
        int step = 64 * 1024;
        for (int at = 0; at < text.length(); at += step) {
          String part = text.substring(at, Math.min(text.length(), at + step));
          boolean last = at + step >= text.length();
          socket.writeFrame(at == 0 ? WebSocketFrame.textFrame(part, last) : WebSocketFrame.continuationFrame(
              Buffer.buffer(part), last));
        }
      } else {
        socket.writeFrame(WebSocketFrame.textFrame(text, true));
      }
      return await(closed.future().timeout(10, TimeUnit.SECONDS));
    } finally {
      client.close();
    }
  }

  // ------------------------------------------------------------------ raw HTTP

  private record Response(int status, Map<String, String> headers, String body) {
  }

  private static Response post(String path, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\nContent-Length: "
        + bytes.length + "\r\nConnection: close\r\n\r\n" + body);
  }

  /** Writes exactly these bytes (ISO-8859-1) and reads one response, up to its length or the close. */
  private static Response send(String raw) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", hub.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      try {
        for (int n; (n = in.read(chunk)) != -1; ) {
          read.write(chunk, 0, n);
          Response response = parse(read.toString(StandardCharsets.UTF_8));
          if (response != null) {
            return response;
          }
        }
      } catch (SocketTimeoutException | java.net.SocketException stopped) {
        // answered below with what came
      }
      String text = read.toString(StandardCharsets.UTF_8);
      assertThat(text).as("an answer before the connection closed").isNotEmpty();
      Response response = parse(text);
      assertThat(response).as("a complete response: " + text).isNotNull();
      return response;
    }
  }

  private static Response parse(String text) {
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return null;
    }
    String[] lines = text.substring(0, end).split("\r\n");
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(end + 4);
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    if (body.getBytes(StandardCharsets.UTF_8).length < length) {
      return null;
    }
    return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
  }

  private static JsonObject assertProblem(Response response, int status, String what) {
    assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(status);
    assertThat(response.headers().get("content-type")).as(what).isEqualTo(Problem.CONTENT_TYPE);
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getInteger("status")).as(what).isEqualTo(status);
    assertThat(problem.getString("title")).as(what).isNotBlank();
    assertThat(problem.getString("detail")).as(what).isNotBlank();
    assertThat(problem.getString("requestId")).as(what).isNotBlank()
        .isEqualTo(response.headers().get(RequestIds.HEADER.toLowerCase(Locale.ROOT)));
    for (String leak : List.of("Exception", "\tat ", "io.vertx", "io.netty", "io.rainhub")) {
      assertThat(problem.encode()).as(what).doesNotContain(leak);
    }
    return problem;
  }
}
