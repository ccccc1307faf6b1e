package io.rainhub.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(VertxExtension.class)
class EventLogTest {

  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void concurrentWritersGetGaplessSequenceNumbersInCommitOrder(SqlDialect dialect, Vertx vertx, VertxTestContext test) {
    Store store = Store.open(vertx, TestDatabase.create(dialect).config());
    List<Future<EventLog.Event>> writes = IntStream.rangeClosed(1, 40)
        .mapToObj(i -> store.inTransaction(tx -> EventLog.append(tx, "test.written", "thing/" + i, null,
            new JsonObject().put("i", i))))
        .toList();
    Future.all(writes)
        .compose(done -> EventLog.since(store.pool(), 0, 100))
        .onComplete(test.succeeding(events -> test.verify(() -> {
          assertThat(events).extracting(EventLog.Event::seq)
              .containsExactlyElementsOf(IntStream.rangeClosed(1, 40).mapToObj(Long::valueOf).toList());
          assertThat(events).extracting(event -> event.payload().getInteger("i")).doesNotHaveDuplicates().hasSize(40);
          assertThat(events.get(0).type()).isEqualTo("test.written");
          assertThat(events.get(0).createdAt()).isNotNull();
          store.close().onComplete(test.succeedingThenComplete());
        })));
  }

  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void rolledBackChangeLeavesNoEventAndNoGap(SqlDialect dialect, Vertx vertx, VertxTestContext test) {
    Store store = Store.open(vertx, TestDatabase.create(dialect).config());
    store.inTransaction(tx -> EventLog.append(tx, "kept", "a", null, new JsonObject()))
        .compose(first -> store.inTransaction(tx -> EventLog.append(tx, "rolled.back", "b", null, new JsonObject())
            .compose(appended -> Future.failedFuture("the change itself failed")))
            .recover(expected -> Future.succeededFuture()))
        .compose(ignored -> store.inTransaction(tx -> EventLog.append(tx, "kept", "c", "tenant-1", new JsonObject())))
        .compose(ignored -> EventLog.since(store.pool(), 0, 10))
        .onComplete(test.succeeding(events -> test.verify(() -> {
          assertThat(events).extracting(EventLog.Event::seq).containsExactly(1L, 2L);
          assertThat(events).extracting(EventLog.Event::subject).containsExactly("a", "c");
          assertThat(events.get(1).tenantId()).isEqualTo("tenant-1");
          store.close().onComplete(test.succeedingThenComplete());
        })));
  }

  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void readersResumeFromTheLastSequenceTheySaw(SqlDialect dialect, Vertx vertx, VertxTestContext test) {
    Store store = Store.open(vertx, TestDatabase.create(dialect).config());
    Future<Void> chain = Future.succeededFuture();
    List<Long> seen = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      int n = i;
      chain = chain.compose(v -> store.inTransaction(tx -> EventLog.append(tx, "t", "s" + n, null, new JsonObject())))
          .mapEmpty();
    }
    chain.compose(v -> EventLog.since(store.pool(), 0, 5))
        .compose(page -> {
          page.forEach(event -> seen.add(event.seq()));
          return EventLog.since(store.pool(), page.get(page.size() - 1).seq(), 100);
        })
        .onComplete(test.succeeding(rest -> test.verify(() -> {
          rest.forEach(event -> seen.add(event.seq()));
          assertThat(seen).containsExactlyElementsOf(IntStream.rangeClosed(1, 12).mapToObj(Long::valueOf).toList());
          store.close().onComplete(test.succeedingThenComplete());
        })));
  }
}
