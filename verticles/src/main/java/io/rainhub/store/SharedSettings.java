package io.rainhub.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.Map;
import java.util.function.Supplier;

/** Values every hub of an installation must agree on (e.g. the JWT signing key), kept in the database. */
public final class SharedSettings {

  private static final String SELECT = "SELECT content FROM hub_settings WHERE name = #{name}";
  private static final String INSERT = "INSERT INTO hub_settings (name, content) VALUES (#{name}, #{content})";

  private final Store store;

  public SharedSettings(Store store) {
    this.store = store;
  }

  /**
   * The stored value of {@code name}; when there is none, stores {@code initial}. Two hubs racing
   * to create it agree on whichever insert won.
   */
  public Future<String> getOrCreate(String name, Supplier<String> initial) {
    return read(name).compose(existing -> {
      if (existing != null) {
        return Future.succeededFuture(existing);
      }
      return store.inTransaction(tx -> SqlTemplate.forUpdate(tx, INSERT)
              .execute(Map.of("name", name, "content", initial.get())))
          .<String>map(done -> null)
          .recover(failure -> store.dialect().isUniqueViolation(failure)
              ? Future.succeededFuture() : Future.failedFuture(failure))
          .compose(ignored -> read(name));
    });
  }

  private Future<String> read(String name) {
    return SqlTemplate.forQuery(store.pool(), SELECT).execute(Map.of("name", name))
        .map(SharedSettings::firstValue);
  }

  private static String firstValue(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next().getString("content");
  }
}
