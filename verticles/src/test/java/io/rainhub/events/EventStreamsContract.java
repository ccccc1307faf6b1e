package io.rainhub.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.EventLog;
import io.rainhub.store.SqlDialect;
import io.rainhub.store.Store;
import io.rainhub.testing.TestDatabase;
import io.rainhub.testing.HubContract;
import io.rainhub.testing.TestHub;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The event log as clients see it — the page ({@code GET /v1.0/events}), Server-Sent Events and the
 * WebSocket — over real HTTP on a real hub and database, events produced by real API calls. Each
 * subclass runs the whole contract on one database kind.
 *
 * <p>Assertions inside a future chain throw, failing the chain; every chain ends in
 * {@link #finish}, which releases what the test opened and then completes or fails the test. Every
 * wait for something streamed has its own deadline ({@link Inbox#until}).
 */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
abstract class EventStreamsContract extends HubContract {

  private static final long WAIT_MILLIS = 15_000;
  private static final String PROBLEM = "application/problem+json";


  // --- 1. the page

  @Test
  void pagesFollowSequenceOrderAndPagingVisitsEveryEventOnce(VertxTestContext test) {
    List<String> tenants = names("paged", 7);
    createTenants(hub, admin, tenants)
        .compose(done -> page(hub, admin, "since=0&limit=1000"))
        .compose(all -> {
          List<Long> everything = seqs(all.getJsonArray("items"));
          long newest = all.getLong("newestSeq");
          // No pruning on this hub and gapless sequence numbers: the whole log is 1..newest.
          assertThat(everything).containsExactlyElementsOf(LongStream.rangeClosed(1, newest).boxed().toList());
          assertThat(all.getLong("lastSeq")).isEqualTo(newest);
          assertThat(typesAndNames(all.getJsonArray("items")))
              .containsSubsequence(tenants.stream().map(n -> "tenant.created " + n).toList());
          // A middle page: after S, at most L, in order.
          long since = newest - 5;
          return page(hub, admin, "since=" + since + "&limit=3").map(middle -> {
            JsonArray items = middle.getJsonArray("items");
            assertThat(seqs(items)).containsExactly(since + 1, since + 2, since + 3);
            assertThat(middle.getLong("lastSeq")).isEqualTo(since + 3);
            assertThat(middle.getLong("newestSeq")).isEqualTo(newest);
            JsonObject first = items.getJsonObject(0);
            assertThat(first.fieldNames()).contains("seq", "type", "subject", "tenantId", "payload", "createdAt");
            return everything;
          });
        })
        .compose(everything -> pageThrough(hub, admin, 0, 4, new ArrayList<>()).map(visited -> {
          assertThat(visited).doesNotHaveDuplicates().containsExactlyElementsOf(everything);
          return visited;
        }))
        // Past the end: an empty page that stays where it was.
        .compose(visited -> page(hub, admin, "since=" + visited.get(visited.size() - 1) + "&limit=10").map(end -> {
          assertThat(end.getJsonArray("items")).isEmpty();
          assertThat(end.getLong("lastSeq")).isEqualTo(visited.get(visited.size() - 1));
          assertThat(end.getLong("newestSeq")).isEqualTo(visited.get(visited.size() - 1));
          return end;
        }))
        .onComplete(finish(test));
  }

  /** A reader ahead of the log (its since from another database, say) learns where the log really ends. */
  @Test
  void aPageFromBeyondTheNewestReportsTheRealNewestSeq(VertxTestContext test) {
    String tenant = unique("newest");
    createNewestTenant(hub, admin, tenant)
        .compose(newestSeq -> {
          long beyond = newestSeq + 1_000_000;
          return page(hub, admin, "since=" + beyond + "&limit=10").map(ahead -> {
            assertThat(ahead.getJsonArray("items")).isEmpty();
            assertThat(ahead.getLong("lastSeq")).as(ahead.encode()).isEqualTo(beyond);
            assertThat(ahead.getLong("newestSeq")).as(ahead.encode()).isEqualTo(newestSeq);
            return ahead;
          });
        })
        .onComplete(finish(test));
  }

  @Test
  void typesFilterExactlyAndByPrefix(VertxTestContext test) {
    String tenant = unique("typed");
    String mothership = unique("ms");
    newest(hub, admin)
        .compose(start -> createTenant(hub, admin, tenant)
            .compose(ok -> registerMothership(hub, admin, mothership))
            .compose(ok -> createTenant(hub, admin, unique("typed")))
            .compose(ok -> Future.all(
                page(hub, admin, "since=" + start + "&types=tenant.created"),
                page(hub, admin, "since=" + start + "&types=mothership.*"),
                page(hub, admin, "since=" + start + "&types=mothership.registered,tenant.created"),
                page(hub, admin, "since=" + start + "&types=no.such.type"),
                page(hub, admin, "since=" + start)))
            .map(pages -> {
              JsonObject tenants = pages.resultAt(0);
              JsonObject motherships = pages.resultAt(1);
              JsonObject both = pages.resultAt(2);
              JsonObject none = pages.resultAt(3);
              JsonObject all = pages.resultAt(4);
              assertThat(types(tenants.getJsonArray("items"))).isNotEmpty().containsOnly("tenant.created");
              assertThat(typesAndNames(tenants.getJsonArray("items"))).contains("tenant.created " + tenant);
              assertThat(types(motherships.getJsonArray("items"))).isNotEmpty().allMatch(t -> t.startsWith("mothership."));
              assertThat(typesAndNames(motherships.getJsonArray("items"))).contains("mothership.registered " + mothership);
              assertThat(types(both.getJsonArray("items"))).containsExactly(
                  "tenant.created", "mothership.registered", "tenant.created");
              assertThat(none.getJsonArray("items")).isEmpty();
              // Filtering does not stop the reader's position: lastSeq is that of the last event read.
              long last = all.getLong("lastSeq");
              for (JsonObject filtered : List.of(tenants, motherships, both, none)) {
                assertThat(filtered.getLong("lastSeq")).as(filtered.encode()).isEqualTo(last);
              }
              assertThat(seqs(all.getJsonArray("items"))).containsExactlyElementsOf(
                  LongStream.rangeClosed(start + 1, last).boxed().toList());
              return all;
            }))
        .onComplete(finish(test));
  }

  @Test
  void invalidQueriesAre400NamingTheParameterAndNoTokenIs401(VertxTestContext test) {
    Future.all(List.of(
            hub.get("/v1.0/events?since=-1", admin),
            hub.get("/v1.0/events?limit=0", admin),
            hub.get("/v1.0/events?limit=abc", admin),
            hub.get("/v1.0/events?limit=1001", admin),
            hub.get("/v1.0/events?since=x", admin),
            hub.client().get("/v1.0/events").send(),
            hub.get("/v1.0/events/stream?since=-1", admin),
            hub.client().get("/v1.0/events/stream").send()))
        .map(all -> {
          assertProblem(all.resultAt(0), 400, "since");
          assertProblem(all.resultAt(1), 400, "limit");
          assertProblem(all.resultAt(2), 400, "limit");
          assertProblem(all.resultAt(3), 400, "limit");
          assertProblem(all.resultAt(4), 400, "since");
          assertProblem(all.resultAt(5), 401, null);
          assertProblem(all.resultAt(6), 400, "since");
          assertProblem(all.resultAt(7), 401, null);
          return all;
        })
        .onComplete(finish(test));
  }

  // --- 2. Server-Sent Events

  @Test
  void serverSentEventsDeliverNewEventsInOrder(VertxTestContext test) {
    HttpClient client = hub.vertx().createHttpClient();
    Inbox<SseRecord> records = new Inbox<>(hub.vertx());
    SseParser parser = new SseParser(records);
    List<String> tenants = names("sse", 3);
    newest(hub, admin)
        .compose(start -> openSse(client, "/v1.0/events/stream?since=" + start, null, parser)
            .compose(opened -> createTenants(hub, admin, tenants))
            .compose(created -> records.until(r -> tenantNames(r).containsAll(tenants), "three tenant.created records"))
            .compose(received -> page(hub, admin, "since=" + start).map(listed -> {
              assertThat(parser.comments()).contains(": resuming after " + start);
              List<SseRecord> mine = received.stream()
                  .filter(r -> r.event().equals("tenant.created") && tenants.contains(r.data().getJsonObject("payload").getString("name")))
                  .toList();
              assertThat(mine).extracting(r -> r.data().getJsonObject("payload").getString("name"))
                  .containsExactlyElementsOf(tenants);
              for (SseRecord record : received) {
                assertThat(record.id()).isEqualTo(record.data().getLong("seq"));
                assertThat(record.event()).isEqualTo(record.data().getString("type"));
              }
              // Exactly what the log holds after 'start', in order, nothing twice.
              List<Long> ids = received.stream().map(SseRecord::id).toList();
              assertThat(ids).first().isEqualTo(start + 1);
              assertThat(ids).doesNotHaveDuplicates().isSorted();
              assertThat(seqs(listed.getJsonArray("items"))).startsWith(ids.toArray(Long[]::new));
              return received;
            })))
        .eventually(() -> client.close())
        .onComplete(finish(test));
  }

  @Test
  void lastEventIdWinsOverSince(VertxTestContext test) {
    HttpClient client = hub.vertx().createHttpClient();
    Inbox<SseRecord> records = new Inbox<>(hub.vertx());
    SseParser parser = new SseParser(records);
    List<String> tenants = names("resumed", 3);
    newest(hub, admin)
        .compose(start -> createTenants(hub, admin, tenants).compose(done -> page(hub, admin, "since=" + start)))
        .compose(listed -> {
          List<Long> seqs = seqOfTenants(listed.getJsonArray("items"), tenants);
          long afterFirst = seqs.get(0);
          long lastTenant = seqs.get(2);
          return openSse(client, "/v1.0/events/stream?since=0", String.valueOf(afterFirst), parser)
              .compose(opened -> records.until(r -> r.stream().anyMatch(x -> x.id() == lastTenant), "record " + lastTenant))
              .map(received -> {
                assertThat(parser.comments()).contains(": resuming after " + afterFirst);
                assertThat(received).extracting(SseRecord::id).allMatch(id -> id > afterFirst);
                assertThat(received.get(0).id()).isEqualTo(afterFirst + 1);
                assertThat(tenantNames(received)).containsExactlyElementsOf(tenants.subList(1, 3));
                return received;
              });
        })
        .eventually(() -> client.close())
        .onComplete(finish(test));
  }

  // --- 3. WebSocket

  @Test
  void webSocketReconnectingFromTheLastSeqMissesNothingAndRepeatsNothing(VertxTestContext test) {
    WebSocketClient client = hub.vertx().createWebSocketClient();
    Inbox<JsonObject> before = new Inbox<>(hub.vertx());
    Inbox<JsonObject> after = new Inbox<>(hub.vertx());
    List<String> online = names("ws-on", 2);
    List<String> offline = names("ws-off", 3);
    String mothership = unique("ms-off");
    long[] lastReceived = new long[1];
    newest(hub, admin)
        .compose(start -> connectWs(client, "since=" + start, before)
            .compose(ws -> createTenants(hub, admin, online)
                .compose(created -> before.until(events -> names(events).containsAll(online), "both online tenants"))
                .compose(received -> {
                  List<Long> seqs = seqs(received);
                  assertThat(seqs).first().isEqualTo(start + 1);
                  assertThat(seqs).doesNotHaveDuplicates().isSorted();
                  lastReceived[0] = seqs.get(seqs.size() - 1);
                  return ws.close();
                })))
        // While disconnected.
        .compose(closed -> createTenants(hub, admin, offline))
        .compose(created -> registerMothership(hub, admin, mothership))
        .compose(registered -> page(hub, admin, "since=" + lastReceived[0] + "&limit=1000"))
        .compose(missed -> {
          JsonArray expected = missed.getJsonArray("items");
          List<Long> expectedSeqs = seqs(expected);
          assertThat(names(list(expected))).containsAll(offline).contains(mothership);
          long lastExpected = expectedSeqs.get(expectedSeqs.size() - 1);
          return connectWs(client, "since=" + lastReceived[0], after)
              .compose(ws -> after.until(events -> events.stream().anyMatch(e -> e.getLong("seq") == lastExpected),
                  "every missed event up to " + lastExpected)
                  .map(received -> {
                    List<Long> got = seqs(received);
                    // In order, so once the last missed event is here every earlier one is too.
                    assertThat(got).doesNotHaveDuplicates().isSorted();
                    assertThat(got).allMatch(seq -> seq > lastReceived[0]);
                    assertThat(got.subList(0, expectedSeqs.size())).containsExactlyElementsOf(expectedSeqs);
                    assertThat(received.subList(0, expectedSeqs.size())).containsExactlyElementsOf(list(expected));
                    List<Long> both = new ArrayList<>(seqs(before.snapshot()));
                    both.addAll(got);
                    assertThat(both).doesNotHaveDuplicates();
                    return received;
                  })
                  .eventually(() -> ws.close()));
        })
        .eventually(() -> client.close())
        .onComplete(finish(test));
  }

  @Test
  void webSocketTypesFilterSendsOnlyMatchingEvents(VertxTestContext test) {
    WebSocketClient client = hub.vertx().createWebSocketClient();
    Inbox<JsonObject> frames = new Inbox<>(hub.vertx());
    List<String> motherships = names("ms-filtered", 2);
    newest(hub, admin)
        .compose(start -> connectWs(client, "since=" + start + "&types=mothership.*", frames))
        .compose(ws -> createTenant(hub, admin, unique("not-sent"))
            .compose(ok -> registerMothership(hub, admin, motherships.get(0)))
            .compose(ok -> createTenant(hub, admin, unique("not-sent")))
            .compose(ok -> registerMothership(hub, admin, motherships.get(1)))
            .compose(ok -> createTenant(hub, admin, unique("not-sent")))
            .compose(ok -> frames.until(events -> names(events).contains(motherships.get(1)), "the second mothership"))
            .map(received -> {
              // The tenants were committed before the second mothership: had they been sent, they would be here.
              assertThat(received).extracting(e -> e.getString("type")).containsOnly("mothership.registered");
              assertThat(names(received)).containsExactlyElementsOf(motherships);
              assertThat(seqs(received)).isSorted().doesNotHaveDuplicates();
              return received;
            })
            .eventually(() -> ws.close()))
        .eventually(() -> client.close())
        .onComplete(finish(test));
  }

  /**
   * A stream asked to resume beyond the newest event resumes from the newest one: it must not
   * hold back every new event until the sequence reaches the client's number.
   */
  @Test
  void streamsFromBeyondTheNewestDeliverNewEvents(VertxTestContext test) {
    HttpClient http = hub.vertx().createHttpClient();
    WebSocketClient wsClient = hub.vertx().createWebSocketClient();
    Inbox<SseRecord> records = new Inbox<>(hub.vertx());
    SseParser parser = new SseParser(records);
    Inbox<JsonObject> frames = new Inbox<>(hub.vertx());
    String later = unique("after-ahead");
    createNewestTenant(hub, admin, unique("before-ahead"))
        .compose(newestSeq -> {
          long beyond = newestSeq + 1_000_000;
          return openSse(http, "/v1.0/events/stream?since=" + beyond, null, parser)
              .compose(opened -> connectWs(wsClient, "since=" + beyond, frames))
              .compose(ws -> createTenant(hub, admin, later)
                  .compose(created -> Future.all(
                      records.until(r -> tenantNames(r).contains(later), "the SSE record of " + later),
                      frames.until(events -> names(events).contains(later), "the WebSocket frame of " + later)))
                  .map(both -> {
                    assertThat(parser.comments()).anyMatch(c -> c.startsWith(": resuming after " + newestSeq + " "));
                    List<SseRecord> sse = both.resultAt(0);
                    List<JsonObject> wsFrames = both.resultAt(1);
                    assertThat(sse).extracting(SseRecord::id).containsExactly(newestSeq + 1);
                    assertThat(seqs(wsFrames)).containsExactly(newestSeq + 1);
                    return both;
                  })
                  .eventually(() -> ws.close()));
        })
        .eventually(() -> http.close())
        .eventually(() -> wsClient.close())
        .onComplete(finish(test));
  }

  // --- 3b. Browsers: the token as a subprotocol (docs/ui.md)

  @Test
  void webSocketTakesTheTokenAsASubprotocolAndAnswersRainhubV1(VertxTestContext test) {
    WebSocketClient client = hub.vertx().createWebSocketClient();
    Inbox<JsonObject> frames = new Inbox<>(hub.vertx());
    String tenant = unique("browser");
    newest(hub, admin)
        .compose(start -> client.connect(browserOptions(hub, admin, "since=" + start)))
        .compose(ws -> {
          assertThat(ws.subProtocol()).isEqualTo("rainhub.v1");
          ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
          return createTenant(hub, admin, tenant)
              .compose(created -> frames.until(events -> names(events).contains(tenant), "the tenant's event"))
              .eventually(() -> ws.close());
        })
        .eventually(() -> client.close())
        .onComplete(finish(test));
  }

  @Test
  void webSocketRefusesABadTokenOfferedAsASubprotocol(VertxTestContext test) {
    WebSocketClient client = hub.vertx().createWebSocketClient();
    String forged = admin.substring(0, admin.length() - 4) + (admin.endsWith("AAAA") ? "BBBB" : "AAAA");
    Future<Throwable> bad = client.connect(browserOptions(hub, forged, "since=0")).transform(result -> {
      if (result.succeeded()) {
        result.result().close();
        return Future.failedFuture(new AssertionError("a forged token opened the WebSocket"));
      }
      return Future.succeededFuture(result.cause());
    });
    // Without the rainhub.v1 protocol beside it, a bearer entry is no token at all.
    WebSocketConnectOptions bareBearer = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(hub.port())
        .setURI("/v1.0/events/ws?since=0").setSubProtocols(List.of("bearer." + admin));
    Future<Throwable> bare = client.connect(bareBearer).transform(result -> {
      if (result.succeeded()) {
        result.result().close();
        return Future.failedFuture(new AssertionError("a bearer subprotocol without rainhub.v1 opened the WebSocket"));
      }
      return Future.succeededFuture(result.cause());
    });
    Future.all(bad, bare)
        .map(both -> {
          for (int i = 0; i < 2; i++) {
            Throwable refusal = both.resultAt(i);
            assertThat(refusal).isInstanceOf(UpgradeRejectedException.class);
            assertThat(((UpgradeRejectedException) refusal).getStatus()).isEqualTo(401);
          }
          return both;
        })
        .eventually(() -> client.close())
        .onComplete(finish(test));
  }

  /** As a browser connects: no Authorization header, the token beside rainhub.v1. */
  private static WebSocketConnectOptions browserOptions(TestHub hub, String token, String query) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(hub.port())
        .setURI("/v1.0/events/ws?" + query).setSubProtocols(List.of("rainhub.v1", "bearer." + token));
  }

  // --- 4. Gone

  /** On its own hub and database: deleting events here must not disturb the other tests. */
  @Test
  void resumingFromBeforeWhatWasPrunedIs410OnEveryChannel(VertxTestContext test) {
    TestDatabase database = TestDatabase.create(dialect());
    TestHub pruned = TestHub.start(database, new JsonObject());
    String token = TestHub.await(pruned.adminToken());
    HttpClient http = pruned.vertx().createHttpClient();
    WebSocketClient ws = pruned.vertx().createWebSocketClient();
    long[] at = new long[2]; // [0] X: the newest deleted; [1] newest
    createTenants(pruned, token, names("pruned", 6))
        .compose(done -> newest(pruned, token))
        .compose(newest -> {
          at[1] = newest;
          at[0] = newest - 3;
          return pruned.vertx().executeBlocking(() -> {
            database.execute("DELETE FROM events WHERE seq <= " + at[0]);
            return null;
          });
        })
        .compose(deleted -> {
          long x = at[0];
          long newest = at[1];
          return Future.all(List.of(
              pruned.get("/v1.0/events?since=" + (x - 1), token),
              pruned.get("/v1.0/events?since=0", token),
              pruned.get("/v1.0/events?since=" + x, token),
              pruned.get("/v1.0/events?since=" + newest, token),
              pruned.get("/v1.0/events?since=" + (newest + 5), token),
              pruned.get("/v1.0/events/stream?since=" + (x - 1), token),
              pruned.client().get("/v1.0/events/stream?since=" + newest).bearerTokenAuthentication(token)
                  .putHeader("Last-Event-ID", String.valueOf(x - 1)).send()))
              .map(all -> {
                assertGone(all.resultAt(0), x + 1, newest);
                assertGone(all.resultAt(1), x + 1, newest);
                HttpResponse<Buffer> boundary = all.resultAt(2);
                assertThat(boundary.statusCode()).as(boundary.bodyAsString()).isEqualTo(200);
                assertThat(seqs(boundary.bodyAsJsonObject().getJsonArray("items")))
                    .containsExactlyElementsOf(LongStream.rangeClosed(x + 1, newest).boxed().toList());
                for (int i : new int[] {3, 4}) {
                  HttpResponse<Buffer> caughtUp = all.resultAt(i);
                  assertThat(caughtUp.statusCode()).as(caughtUp.bodyAsString()).isEqualTo(200);
                  assertThat(caughtUp.bodyAsJsonObject().getJsonArray("items")).isEmpty();
                }
                // SSE: refused before any streaming, as a problem, not as text/event-stream.
                assertGone(all.resultAt(5), x + 1, newest);
                assertGone(all.resultAt(6), x + 1, newest);
                return all;
              });
        })
        .compose(pages -> Future.all(
            rejected(ws, pruned, token, "since=" + (at[0] - 1)),
            rejected(ws, pruned, token, "since=0")))
        .compose(refusals -> {
          for (int i = 0; i < 2; i++) {
            Throwable refusal = refusals.resultAt(i);
            assertThat(refusal).isInstanceOf(UpgradeRejectedException.class);
            assertThat(((UpgradeRejectedException) refusal).getStatus()).isEqualTo(410);
          }
          // Resuming exactly at the boundary is still possible over the WebSocket.
          Inbox<JsonObject> frames = new Inbox<>(pruned.vertx());
          return connectWs(ws, pruned, token, "since=" + at[0], frames)
              .compose(socket -> frames.until(events -> events.size() >= at[1] - at[0], "the retained events")
                  .map(received -> {
                    assertThat(seqs(received)).containsExactlyElementsOf(
                        LongStream.rangeClosed(at[0] + 1, at[1]).boxed().toList());
                    return received;
                  })
                  .eventually(() -> socket.close()));
        })
        // Nothing retained at all: whoever is behind is gone; whoever is caught up is not.
        .compose(retained -> pruned.vertx().executeBlocking(() -> {
          database.execute("DELETE FROM events");
          return null;
        }))
        .compose(emptied -> Future.all(
            pruned.get("/v1.0/events?since=" + (at[1] - 1), token),
            pruned.get("/v1.0/events?since=" + at[1], token),
            pruned.get("/v1.0/events/stream?since=" + (at[1] - 1), token)))
        .compose(all -> {
          HttpResponse<Buffer> behind = all.resultAt(0);
          assertGone(behind, null, at[1]);
          HttpResponse<Buffer> caughtUp = all.resultAt(1);
          assertThat(caughtUp.statusCode()).as(caughtUp.bodyAsString()).isEqualTo(200);
          assertThat(caughtUp.bodyAsJsonObject().getLong("lastSeq")).isEqualTo(at[1]);
          assertGone(all.resultAt(2), null, at[1]);
          return Future.all(rejected(ws, pruned, token, "since=" + (at[1] - 1)),
              openSse(http, pruned, token, "/v1.0/events/stream?since=" + at[1]));
        })
        .map(last -> {
          Throwable refusal = last.resultAt(0);
          assertThat(refusal).isInstanceOf(UpgradeRejectedException.class);
          assertThat(((UpgradeRejectedException) refusal).getStatus()).isEqualTo(410);
          HttpClientResponse stream = last.resultAt(1);
          assertThat(stream.statusCode()).isEqualTo(200);
          assertThat(stream.getHeader("Content-Type")).startsWith("text/event-stream");
          return last;
        })
        .onComplete(result -> pruned.vertx().close().onComplete(closed -> {
          if (result.failed()) {
            test.failNow(result.cause());
          } else if (closed.failed()) {
            test.failNow(closed.cause());
          } else {
            test.completeNow();
          }
        }));
  }

  // --- 5. store level: prune and bounds

  /**
   * On its own Vert.x: {@link Store#open} joins the process's shared pool by name, so opened on the
   * hub's Vert.x it would reach the hub's database whatever the configuration. Events are aged
   * through plain JDBC (auto-committed), and what is left is read both through the pool and through
   * a fresh JDBC connection: a prune that reported success must be visible to every reader.
   */
  @Test
  void pruneDeletesOldEventsButKeepsTheNewestAndBoundsFollow(Vertx vertx, VertxTestContext test) {
    TestDatabase database = TestDatabase.create(dialect());
    Store store = Store.open(vertx, database.config());
    OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minusDays(7);
    Future<Void> appended = Future.succeededFuture();
    for (int i = 1; i <= 6; i++) {
      int n = i;
      appended = appended.compose(v -> store.inTransaction(tx ->
          EventLog.append(tx, "test.appended", "thing/" + n, null, new JsonObject().put("n", n))).mapEmpty());
    }
    appended
        .compose(v -> EventLog.bounds(store.pool()))
        .compose(initial -> {
          assertThat(initial).isEqualTo(new EventLog.Bounds(1L, 6));
          assertGoneExactlyBelow(initial);
          // Nothing is older than the cutoff yet.
          return EventLog.prune(store, cutoff);
        })
        .compose(count -> {
          assertThat(count).isZero();
          return age(vertx, database, 4);
        })
        .compose(aged -> EventLog.prune(store, cutoff))
        .compose(count -> {
          assertThat(count).isEqualTo(4);
          return retained(vertx, database, store);
        })
        .compose(after -> {
          EventLog.Bounds bounds = after.resultAt(0);
          assertThat(after.<List<Long>>resultAt(2)).as("seqs a fresh JDBC connection sees after the prune")
              .containsExactly(5L, 6L);
          assertThat(after.<List<EventLog.Event>>resultAt(1)).as("seqs the pool sees after the prune")
              .extracting(EventLog.Event::seq).containsExactly(5L, 6L);
          assertThat(bounds).isEqualTo(new EventLog.Bounds(5L, 6));
          assertGoneExactlyBelow(bounds);
          // Everything old: all but the newest goes.
          return age(vertx, database, 6);
        })
        .compose(aged -> EventLog.prune(store, cutoff))
        .compose(count -> {
          assertThat(count).isEqualTo(1);
          return retained(vertx, database, store);
        })
        .compose(after -> {
          EventLog.Bounds bounds = after.resultAt(0);
          List<EventLog.Event> left = after.resultAt(1);
          assertThat(after.<List<Long>>resultAt(2)).as("seqs a fresh JDBC connection sees after the prune")
              .containsExactly(6L);
          assertThat(left).extracting(EventLog.Event::seq).containsExactly(6L);
          assertThat(left.get(0).payload().getInteger("n")).isEqualTo(6);
          assertThat(bounds).isEqualTo(new EventLog.Bounds(6L, 6));
          assertGoneExactlyBelow(bounds);
          // The newest is kept however old, so a later prune has nothing to do.
          return EventLog.prune(store, OffsetDateTime.now(ZoneOffset.UTC).plusDays(1));
        })
        .map(count -> {
          assertThat(count).isZero();
          return count;
        })
        .eventually(store::close)
        .onComplete(finish(test));
  }

  /** Backdates events up to {@code upTo} by a month, through JDBC (auto-committed). */
  private static Future<Void> age(Vertx vertx, TestDatabase database, long upTo) {
    return vertx.executeBlocking(() -> {
      database.execute("UPDATE events SET created_at = TIMESTAMP WITH TIME ZONE '2000-01-01 00:00:00+00'"
          + " WHERE seq <= " + upTo);
      return null;
    });
  }

  /** Bounds and events as the pool sees them, and the sequence numbers a fresh JDBC connection sees. */
  private static Future<io.vertx.core.CompositeFuture> retained(Vertx vertx, TestDatabase database, Store store) {
    Future<List<Long>> direct = vertx.executeBlocking(() -> {
      List<Long> seqs = new ArrayList<>();
      try (Connection connection = DriverManager.getConnection(database.config().jdbcUrl(), database.config().user(),
          database.config().password());
           Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery("SELECT seq FROM events ORDER BY seq")) {
        while (rows.next()) {
          seqs.add(rows.getLong(1));
        }
      }
      return seqs;
    });
    return Future.all(EventLog.bounds(store.pool()), EventLog.since(store.pool(), 0, 100), direct);
  }

  @Test
  void boundsGoneRule(VertxTestContext test) {
    test.verify(() -> {
      // An empty log that never had events: nothing can be gone.
      assertThat(new EventLog.Bounds(null, 0).gone(0)).isFalse();
      assertThat(new EventLog.Bounds(null, 0).gone(7)).isFalse();
      // Everything pruned: only a reader already at the newest is not behind.
      EventLog.Bounds empty = new EventLog.Bounds(null, 9);
      assertThat(empty.gone(0)).isTrue();
      assertThat(empty.gone(8)).isTrue();
      assertThat(empty.gone(9)).isFalse();
      assertThat(empty.gone(20)).isFalse();
      assertGoneExactlyBelow(new EventLog.Bounds(1L, 1));
      assertGoneExactlyBelow(new EventLog.Bounds(4L, 10));
      assertGoneExactlyBelow(new EventLog.Bounds(10L, 10));
    });
    test.completeNow();
  }

  /** gone(since) is true exactly when since &lt; oldest - 1, and never at or after the newest. */
  private static void assertGoneExactlyBelow(EventLog.Bounds bounds) {
    for (long since = 0; since <= bounds.newest() + 3; since++) {
      assertThat(bounds.gone(since)).as("%s.gone(%d)", bounds, since).isEqualTo(since < bounds.oldest() - 1);
      if (since >= bounds.newest()) {
        assertThat(bounds.gone(since)).as("%s.gone(%d)", bounds, since).isFalse();
      }
    }
  }

  // --- helpers: the API

  private static Future<JsonObject> createTenant(TestHub hub, String token, String name) {
    return hub.postJson("/v1.0/tenants", token, new JsonObject().put("name", name)).map(created -> {
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      return created.bodyAsJsonObject();
    });
  }

  /** Creates a tenant and returns the seq of its event, checked to be the newest stored. */
  private static Future<Long> createNewestTenant(TestHub hub, String token, String name) {
    return newest(hub, token).compose(start -> createTenant(hub, token, name)
        .compose(created -> page(hub, token, "since=" + start + "&limit=1000"))
        .map(listed -> {
          List<Long> seqs = seqOfTenants(listed.getJsonArray("items"), List.of(name));
          assertThat(listed.getLong("lastSeq")).as(listed.encode()).isEqualTo(seqs.get(0));
          return seqs.get(0);
        }));
  }

  /** One after the other, so their events are in this order. */
  private static Future<Void> createTenants(TestHub hub, String token, List<String> names) {
    Future<Void> chain = Future.succeededFuture();
    for (String name : names) {
      chain = chain.compose(v -> createTenant(hub, token, name).mapEmpty());
    }
    return chain;
  }

  private static Future<JsonObject> registerMothership(TestHub hub, String token, String name) {
    JsonObject body = new JsonObject().put("name", name).put("address", name + ".example:7000")
        .put("capacity", new JsonObject().put("cpu", 4).put("ramMb", 65536).put("bandwidthMbps", 10000))
        .put("labels", new JsonObject().put("pool", "events"));
    return hub.postJson("/mothership/", token, body).map(created -> {
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      return created.bodyAsJsonObject();
    });
  }

  private static Future<JsonObject> page(TestHub hub, String token, String query) {
    return hub.get("/v1.0/events?" + query, token).map(response -> {
      assertThat(response.statusCode()).as(query + ": " + response.bodyAsString()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).startsWith("application/json");
      return response.bodyAsJsonObject();
    });
  }

  private static Future<Long> newest(TestHub hub, String token) {
    return page(hub, token, "limit=1").map(page -> page.getLong("newestSeq"));
  }

  /** Follows lastSeq until it reaches newestSeq, checking every page on the way. */
  private static Future<List<Long>> pageThrough(TestHub hub, String token, long since, int limit, List<Long> visited) {
    return page(hub, token, "since=" + since + "&limit=" + limit).compose(page -> {
      List<Long> seqs = seqs(page.getJsonArray("items"));
      assertThat(seqs).hasSizeLessThanOrEqualTo(limit).isSorted().allMatch(seq -> seq > since);
      if (seqs.isEmpty()) {
        assertThat(page.getLong("lastSeq")).isEqualTo(since);
        return Future.succeededFuture(visited);
      }
      assertThat(page.getLong("lastSeq")).isEqualTo(seqs.get(seqs.size() - 1));
      visited.addAll(seqs);
      if (page.getLong("lastSeq") >= page.getLong("newestSeq")) {
        return Future.succeededFuture(visited);
      }
      return pageThrough(hub, token, page.getLong("lastSeq"), limit, visited);
    });
  }

  // --- helpers: streams

  private Future<HttpClientResponse> openSse(HttpClient client, String uri, String lastEventId, SseParser parser) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(hub.port())
        .setURI(uri).putHeader("Authorization", "Bearer " + admin).putHeader("Accept", "text/event-stream");
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    return client.request(options).compose(request -> request.send()).map(response -> {
      response.handler(parser::feed);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).startsWith("text/event-stream");
      return response;
    });
  }

  private static Future<HttpClientResponse> openSse(HttpClient client, TestHub hub, String token, String uri) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(hub.port())
        .setURI(uri).putHeader("Authorization", "Bearer " + token);
    return client.request(options).compose(request -> request.send()).map(response -> {
      response.handler(ignored -> { });
      return response;
    });
  }

  private Future<WebSocket> connectWs(WebSocketClient client, String query, Inbox<JsonObject> frames) {
    return connectWs(client, hub, admin, query, frames);
  }

  private static Future<WebSocket> connectWs(WebSocketClient client, TestHub hub, String token, String query,
      Inbox<JsonObject> frames) {
    return client.connect(wsOptions(hub, token, query)).map(ws -> {
      ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
      return ws;
    });
  }

  /** The failure of a connect that must be refused. */
  private static Future<Throwable> rejected(WebSocketClient client, TestHub hub, String token, String query) {
    return client.connect(wsOptions(hub, token, query)).transform(result -> {
      if (result.succeeded()) {
        result.result().close();
        return Future.failedFuture(new AssertionError("the WebSocket upgrade with " + query + " was accepted"));
      }
      return Future.succeededFuture(result.cause());
    });
  }

  private static WebSocketConnectOptions wsOptions(TestHub hub, String token, String query) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(hub.port())
        .setURI("/v1.0/events/ws?" + query);
    options.addHeader("Authorization", "Bearer " + token);
    return options;
  }

  /** What a stream has delivered so far, and a bounded wait for a condition on it. */
  static final class Inbox<T> {
    private final Vertx vertx;
    private final List<T> items = new ArrayList<>();
    private Predicate<List<T>> condition;
    private Promise<List<T>> waiting;

    Inbox(Vertx vertx) {
      this.vertx = vertx;
    }

    synchronized void add(T item) {
      items.add(item);
      check();
    }

    synchronized List<T> snapshot() {
      return List.copyOf(items);
    }

    /** Completes with what arrived once {@code condition} holds; fails after {@link #WAIT_MILLIS}. */
    synchronized Future<List<T>> until(Predicate<List<T>> condition, String what) {
      Promise<List<T>> promise = Promise.promise();
      this.condition = condition;
      this.waiting = promise;
      long timer = vertx.setTimer(WAIT_MILLIS, t -> {
        synchronized (this) {
          promise.tryFail(new AssertionError("no " + what + " within " + WAIT_MILLIS + " ms; got " + items));
        }
      });
      check();
      return promise.future().andThen(done -> vertx.cancelTimer(timer));
    }

    private void check() {
      if (waiting != null && condition.test(items)) {
        waiting.tryComplete(List.copyOf(items));
        waiting = null;
        condition = null;
      }
    }
  }

  record SseRecord(long id, String event, JsonObject data) {
  }

  /** Splits a text/event-stream body into records (id, event, data) and comments. */
  static final class SseParser {
    private final Inbox<SseRecord> records;
    private final StringBuilder pending = new StringBuilder();
    private final List<String> comments = new ArrayList<>();

    SseParser(Inbox<SseRecord> records) {
      this.records = records;
    }

    synchronized void feed(Buffer buffer) {
      pending.append(buffer.toString());
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String block = pending.substring(0, end);
        pending.delete(0, end + 2);
        Long id = null;
        String event = null;
        StringBuilder data = null;
        for (String line : block.split("\n")) {
          if (line.startsWith(":")) {
            comments.add(line);
          } else if (line.startsWith("id: ")) {
            id = Long.parseLong(line.substring(4));
          } else if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
          }
        }
        if (id != null || event != null || data != null) {
          if (id == null || event == null || data == null) {
            throw new AssertionError("incomplete SSE record: " + block);
          }
          records.add(new SseRecord(id, event, new JsonObject(data.toString())));
        }
      }
    }

    synchronized List<String> comments() {
      return List.copyOf(comments);
    }
  }

  // --- helpers: reading answers

  private static <T> io.vertx.core.Handler<io.vertx.core.AsyncResult<T>> finish(VertxTestContext test) {
    return result -> {
      if (result.succeeded()) {
        test.completeNow();
      } else {
        test.failNow(result.cause());
      }
    };
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String param) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo(PROBLEM);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    if (param != null) {
      assertThat(problem.getJsonArray("invalid-params")).as(problem.encode()).isNotNull();
      assertThat(problem.getJsonArray("invalid-params").stream().map(p -> ((JsonObject) p).getString("name")))
          .as(problem.encode()).contains(param);
    }
  }

  private static void assertGone(HttpResponse<Buffer> response, Long oldest, long newest) {
    assertProblem(response, 410, "since");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.containsKey("oldestSeq")).as(problem.encode()).isTrue();
    assertThat(problem.getLong("oldestSeq")).as(problem.encode()).isEqualTo(oldest);
    assertThat(problem.getLong("newestSeq")).as(problem.encode()).isEqualTo(newest);
  }

  private static List<JsonObject> list(JsonArray items) {
    return items.stream().map(JsonObject.class::cast).toList();
  }

  private static List<Long> seqs(JsonArray items) {
    return seqs(list(items));
  }

  private static List<Long> seqs(List<JsonObject> events) {
    return events.stream().map(e -> e.getLong("seq")).toList();
  }

  private static List<String> types(JsonArray items) {
    return list(items).stream().map(e -> e.getString("type")).toList();
  }

  private static List<String> typesAndNames(JsonArray items) {
    return list(items).stream().map(e -> e.getString("type") + " " + e.getJsonObject("payload").getString("name"))
        .toList();
  }

  /** The payload names of events (tenants and motherships both carry one). */
  private static List<String> names(List<JsonObject> events) {
    return events.stream().map(e -> e.getJsonObject("payload").getString("name")).toList();
  }

  private static List<String> tenantNames(List<SseRecord> records) {
    return records.stream().filter(r -> r.event().equals("tenant.created"))
        .map(r -> r.data().getJsonObject("payload").getString("name")).toList();
  }

  private static List<Long> seqOfTenants(JsonArray items, List<String> tenants) {
    Function<String, Long> seqOf = name -> list(items).stream()
        .filter(e -> e.getString("type").equals("tenant.created")
            && name.equals(e.getJsonObject("payload").getString("name")))
        .map(e -> e.getLong("seq")).findFirst().orElseThrow(() -> new AssertionError("no event for " + name));
    return tenants.stream().map(seqOf).toList();
  }

  private static List<String> names(String prefix, int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add(unique(prefix + i));
    }
    return names;
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
