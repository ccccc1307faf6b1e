package io.rainhub.store;

import static io.rainhub.testing.TestHub.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rainhub.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The database lease: one holder at a time, a new epoch per holder, and a fence that refuses the deposed. */
class LeaseTest {

  private static final Lease.Holder A = new Lease.Holder("hub-a", "hub a", true);
  private static final Lease.Holder B = new Lease.Holder("hub-b", "hub b", true);
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void aLiveHolderKeepsTheLeaseAndATakeoverAfterExpiryFencesIt(SqlDialect dialect) throws Exception {
    Store store = Store.open(vertx, TestDatabase.create(dialect).config());
    Lease lease = new Lease(store, Lease.SINGLETONS);

    Lease.State free = await(lease.read());
    assertThat(free.held()).isFalse();
    long first = await(lease.acquire(A, 300, free, null));
    assertThat(first).isEqualTo(free.epoch() + 1);

    Lease.State heldByA = await(lease.read());
    assertThat(heldByA.held()).isTrue();
    assertThat(heldByA.holder()).isEqualTo("hub-a");
    assertThat(heldByA.expiresInMillis()).isBetween(1L, 300L);
    assertThat(await(lease.acquire(B, 300, heldByA, null))).as("B may not take a live lease").isNull();
    assertThat(await(lease.renew(A, first, 300))).isTrue();

    // A stops renewing (paused, dead): once the lease expires B takes it, at the next epoch.
    Thread.sleep(400);
    Lease.State expired = await(lease.read());
    assertThat(expired.held()).isFalse();
    long second = await(lease.acquire(B, 10_000, expired, null));
    assertThat(second).isEqualTo(first + 1);

    // A wakes up: it cannot renew, and its writes fail whole instead of applying.
    assertThat(await(lease.renew(A, first, 300))).isFalse();
    assertThatThrownBy(() -> await(store.inTransaction(tx -> Lease.fence(tx, dialect, first)
            .compose(fenced -> insertSetting(tx, dialect, "written-by-a")))))
        .hasRootCauseInstanceOf(Lease.Fenced.class);
    await(store.inTransaction(tx -> Lease.fence(tx, dialect, second).compose(ok -> insertSetting(tx, dialect, "by-b"))));
    assertThat(settingCount(store, "written-by-a")).isZero();
    assertThat(settingCount(store, "by-b")).isOne();
  }

  @ParameterizedTest
  @EnumSource(SqlDialect.class)
  void aHolderThatLeftTheClusterCanBeReplacedBeforeExpiryAndAReleasedLeaseIsFreeAtOnce(SqlDialect dialect) {
    Store store = Store.open(vertx, TestDatabase.create(dialect).config());
    Lease lease = new Lease(store, Lease.SINGLETONS);
    long first = await(lease.acquire(A, 60_000, await(lease.read()), null));
    Lease.State heldByA = await(lease.read());
    assertThat(await(lease.acquire(B, 60_000, heldByA, "someone-else"))).isNull();
    long second = await(lease.acquire(B, 60_000, heldByA, "hub-a"));
    assertThat(second).isEqualTo(first + 1);

    await(lease.release(B, second));
    Lease.State released = await(lease.read());
    assertThat(released.held()).isFalse();
    assertThat(await(lease.acquire(A, 60_000, released, null))).isEqualTo(second + 1);
  }

  private static Future<Void> insertSetting(io.vertx.sqlclient.SqlConnection tx, SqlDialect dialect, String key) {
    return tx.preparedQuery("INSERT INTO hub_settings (name, content) VALUES (" + dialect.placeholder(1) + ", "
        + dialect.placeholder(2) + ")").execute(Tuple.of(key, "x")).mapEmpty();
  }

  private static long settingCount(Store store, String name) {
    return await(store.pool().preparedQuery("SELECT COUNT(*) FROM hub_settings WHERE name = "
        + store.dialect().placeholder(1)).execute(Tuple.of(name))).iterator().next().getLong(0);
  }
}
