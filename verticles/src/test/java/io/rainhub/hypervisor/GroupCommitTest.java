package io.rainhub.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.store.EventLog;
import io.rainhub.store.SqlDialect;
import io.rainhub.store.Store;
import io.rainhub.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(VertxExtension.class)
class GroupCommitTest {

  private static Change wire(String server) {
    return new Change().sql(CloudSql.INSERT_WIRE, "serverId", server, "mothershipId", "m")
        .event("wiring.added", "rainserver/" + server, new JsonObject().put("server", server));
  }

  /**
   * Changes queued behind a write share the next transaction; when it fails, every change in it
   * fails (none is acknowledged), the failure hook runs, and later changes commit normally.
   */
  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void aFailedBatchAcknowledgesNothingOfIt(SqlDialect dialect, Vertx vertx, VertxTestContext test) {
    Store store = Store.open(vertx, TestDatabase.create(dialect).config());
    List<Throwable> hooks = new ArrayList<>();
    vertx.runOnContext(go -> {
      GroupCommit commits = new GroupCommit(store, 0, 100, hooks::add);
      Future<Void> a = commits.submit(wire("a"));
      Future<Void> duplicate = commits.submit(wire("a"));
      Future<Void> c = commits.submit(wire("c"));
      Future.join(a, duplicate, c)
          .transform(settled -> commits.submit(wire("d")))
          .compose(d -> EventLog.since(store.pool(), 0, 100).map(events -> events))
          .compose(events -> store.pool().query("SELECT rain_server_id FROM wiring ORDER BY rain_server_id").execute()
              .map(rows -> {
                List<String> servers = new ArrayList<>();
                rows.forEach(row -> servers.add(row.getString(0)));
                test.verify(() -> {
                  assertThat(a.succeeded()).isTrue();
                  assertThat(duplicate.failed()).isTrue();
                  assertThat(c.failed()).as("queued with the failing change: not acknowledged").isTrue();
                  assertThat(hooks).hasSize(1);
                  assertThat(servers).containsExactly("a", "d");
                  assertThat(events).extracting(EventLog.Event::subject).containsExactly("rainserver/a", "rainserver/d");
                  assertThat(events).extracting(EventLog.Event::seq).containsExactly(1L, 2L);
                });
                return servers;
              }))
          .compose(done -> store.close())
          .onComplete(test.succeedingThenComplete());
    });
  }

  /** A read waits behind the writes submitted before it, and fails with them: it never shows unstored state. */
  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void theBarrierCompletesOnlyWhenEverythingSubmittedIsStored(SqlDialect dialect, Vertx vertx, VertxTestContext test) {
    Store store = Store.open(vertx, TestDatabase.create(dialect).config());
    vertx.runOnContext(go -> {
      GroupCommit commits = new GroupCommit(store, 0, 100, failure -> { });
      test.verify(() -> assertThat(commits.barrier().succeeded()).as("nothing written: no wait").isTrue());
      Future<Void> first = commits.submit(wire("b1"));
      Future<Void> second = commits.submit(wire("b2"));
      Future<Void> readAfterBoth = commits.barrier();
      test.verify(() -> assertThat(readAfterBoth.isComplete()).isFalse());
      readAfterBoth
          .compose(stored -> {
            test.verify(() -> assertThat(first.succeeded() && second.succeeded()).isTrue());
            commits.submit(wire("b1"));
            return commits.barrier().transform(after -> Future.succeededFuture(after.failed()));
          })
          .onComplete(test.succeeding(failedWithTheWrite -> test.verify(() -> {
            assertThat(failedWithTheWrite).as("a read behind a failed write fails too").isTrue();
            store.close();
            test.completeNow();
          })));
    });
  }
}
