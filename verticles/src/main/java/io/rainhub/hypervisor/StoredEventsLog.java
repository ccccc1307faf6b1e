package io.rainhub.hypervisor;

import io.rainhub.store.EventLog;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the hub's log what an operator wants to see there without querying the event log:
 * nodes changing state, instances moved or left without a home, commands that failed or expired.
 * Only events that were stored reach it.
 */
final class StoredEventsLog {

  private static final Logger LOG = LoggerFactory.getLogger(StoredEventsLog.class);

  private StoredEventsLog() {
  }

  static void stored(List<EventLog.Draft> events) {
    for (EventLog.Draft event : events) {
      JsonObject p = event.payload();
      switch (event.type()) {
        case "node.suspect" -> LOG.info("Node {} ({}) is SUSPECT: silent for {} ms", p.getString("nodeId"),
            p.getString("kind"), p.getValue("silentMillis"));
        case "node.left" -> LOG.info("Node {} ({}) LEFT (its agent stopped cleanly); released instances: {}",
            p.getString("nodeId"), p.getString("kind"), p.getValue("releasedInstances", List.of()));
        case "node.lost" -> LOG.warn("Node {} ({}) is LOST; released instances: {}", p.getString("nodeId"),
            p.getString("kind"), p.getValue("releasedInstances", List.of()));
        case "node.online", "node.returned" -> {
          // A node first seen (NEW) or adopted from REST (AVAILABLE) is no recovery worth a line.
          if (!"AVAILABLE".equals(p.getString("previousState")) && !"NEW".equals(p.getString("previousState"))) {
            LOG.info("Node {} ({}) is AVAILABLE again (was {})", p.getString("nodeId"), p.getString("kind"),
                p.getString("previousState"));
          }
        }
        case "mothership.expired", "rainserver.expired" -> LOG.info("Registration {} expired (TTL not refreshed)",
            p.getString("id"));
        case "instance.rescheduled" -> LOG.info("Instance {} rescheduled from {} to {}", p.getString("instanceId"),
            p.getString("from"), p.getString("to"));
        case "instance.unplaced" -> LOG.warn("Instance {} of {}@{} is UNPLACED: no mothership has room for it",
            p.getString("instanceId"), p.getString("componentId"), p.getString("version"));
        case "instance.failed" -> LOG.warn("Instance {} of {}@{} FAILED", p.getString("instanceId"),
            p.getString("componentId"), p.getString("version"));
        case "command.failed", "command.expired" -> LOG.warn("Command {} ({}) for node {} {}", p.getString("commandId"),
            p.getString("action"), p.getString("nodeId"), event.type().substring("command.".length()));
        default -> {
          // the rest is in the event log only
        }
      }
    }
  }
}
