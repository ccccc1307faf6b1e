package io.rainhub.events;

import io.rainhub.bus.Addresses;
import io.rainhub.store.DatabaseConfig;
import io.rainhub.store.EventLog;
import io.rainhub.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the event log and publishes what was committed to this hub's streams. It reads the table
 * rather than listening to writers, so it sees every writer of every hub in commit order; it also
 * prunes events older than the retention.
 */
public class EventTailVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EventTailVerticle.class);
  private static final int PAGE = 500;

  private Store store;
  private long lastSeen;
  private boolean reading;
  private Duration retention;

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    store = Store.open(vertx, DatabaseConfig.fromJson(conf.getJsonObject("database")));
    retention = Duration.ofHours(conf.getLong("retentionHours", 168L));
    long pollMillis = conf.getLong("pollMillis", 100L);
    return EventLog.bounds(store.pool()).onSuccess(bounds -> {
      lastSeen = bounds.newest();
      vertx.setPeriodic(pollMillis, tick -> tail());
      vertx.setPeriodic(60_000, tick -> prune());
    });
  }

  @Override
  public Future<?> stop() {
    return store.close();
  }

  /** One read at a time; a full page is followed at once by the next. */
  private void tail() {
    if (reading) {
      return;
    }
    reading = true;
    EventLog.since(store.pool(), lastSeen, PAGE).onComplete(result -> {
      reading = false;
      if (result.failed()) {
        LOG.warn("Could not read the event log", result.cause());
        return;
      }
      var events = result.result();
      if (events.isEmpty()) {
        return;
      }
      lastSeen = events.get(events.size() - 1).seq();
      vertx.eventBus().publish(Addresses.EVENTS_APPENDED,
          new JsonArray(events.stream().map(EventLog.Event::toJson).toList()));
      if (events.size() == PAGE) {
        tail();
      }
    });
  }

  private void prune() {
    EventLog.prune(store, OffsetDateTime.now(ZoneOffset.UTC).minus(retention))
        .onSuccess(count -> {
          if (count > 0) {
            LOG.info("Pruned {} event(s) older than {}", count, retention);
          }
        })
        .onFailure(failure -> LOG.warn("Could not prune the event log", failure));
  }
}
