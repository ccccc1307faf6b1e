package io.rainhub.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.rainhub.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(VertxExtension.class)
class SharedSettingsTest {

  /** Hubs starting together on one database must end up with one signing key, not one each. */
  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void racingCreatorsAgreeOnOneValue(SqlDialect dialect, Vertx vertx, VertxTestContext test) {
    Store store = Store.open(vertx, TestDatabase.create(dialect).config());
    SharedSettings settings = new SharedSettings(store);
    List<Future<String>> racers = IntStream.range(0, 10)
        .mapToObj(i -> settings.getOrCreate("key", () -> "value-" + i)).toList();
    Future.all(racers)
        .compose(all -> settings.getOrCreate("key", () -> "late"))
        .onComplete(test.succeeding(late -> test.verify(() -> {
          List<String> values = racers.stream().map(Future::result).distinct().toList();
          assertThat(values).hasSize(1);
          assertThat(values.get(0)).startsWith("value-");
          assertThat(late).isEqualTo(values.get(0));
          store.close().onComplete(test.succeedingThenComplete());
        })));
  }
}
