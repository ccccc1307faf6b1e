package io.rainhub.hub.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rainhub events}: the event log after {@code --since}, one line per event; with
 * {@code --follow}, then every new event as it commits (Server-Sent Events), reconnecting after a
 * drop from the last sequence printed, so nothing is missed or printed twice.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
    description = {"Print the event log, one line per event; --follow for new ones.",
        "A line is seq, time, type, subject; -o json prints each event as one line of JSON.",
        "--follow keeps printing new events and resumes from the last seq after a drop."})
final class EventsCommand extends ApiCommand {

  private static final int PAGE = 1000;
  private static final long MAX_BACKOFF_MS = 5000;

  @Option(names = "--since", paramLabel = "SEQ", defaultValue = "0",
      description = "Print events after this sequence number (default: ${DEFAULT-VALUE})")
  long since;

  @Option(names = {"--follow", "-f"}, description = "Keep following new events (Ctrl-C stops)")
  boolean follow;

  @Option(names = "--types", paramLabel = "TYPES",
      description = "Comma-separated types to keep; a trailing * is a prefix, e.g. instance.*,node.*")
  String types;

  @Option(names = "--count", paramLabel = "N", defaultValue = "0",
      description = "Stop after N events (default: no limit)")
  long count;

  private long printed;
  private long lastSeq;

  @Override
  void run(HubApi api) {
    lastSeq = since;
    if (follow) {
      follow(api);
    } else {
      list(api);
    }
  }

  private void list(HubApi api) {
    while (!done()) {
      JsonObject page = api.get("/v1.0/events?since=" + lastSeq + "&limit=" + PAGE + typesQuery());
      for (JsonObject event : HubApi.objects(page.getJsonArray("items", new JsonArray()))) {
        if (!print(event)) {
          return;
        }
      }
      long pageEnd = page.getLong("lastSeq", lastSeq);
      if (pageEnd <= lastSeq || pageEnd >= page.getLong("newestSeq", pageEnd)) {
        return;
      }
      lastSeq = pageEnd;
    }
  }

  private void follow(HubApi api) {
    boolean connected = false;
    long backoff = 250;
    while (!done()) {
      try {
        api.stream("/v1.0/events/stream?since=" + lastSeq + typesQuery(), null, this::line);
        if (done()) {
          return;
        }
        err().println("rainhub: the event stream ended after seq " + lastSeq + "; resuming");
      } catch (UncheckedIOException e) {
        err().println("rainhub: the event stream dropped after seq " + lastSeq + "; resuming");
      } catch (CliException e) {
        // Not reaching the hub at the first try is the command's failure; later, the hub may be restarting.
        if (!connected || e.exitCode() != CliException.UNREACHABLE) {
          throw e;
        }
      }
      err().flush();
      connected = true;
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }

  /** One SSE line: only {@code data:} lines carry events (the {@code id:} line repeats the seq). */
  private boolean line(String line) {
    if (!line.startsWith("data:")) {
      return true;
    }
    JsonObject event;
    try {
      event = new JsonObject(line.substring("data:".length()).trim());
    } catch (DecodeException e) {
      err().println("rainhub: skipped an event that is not JSON: " + line);
      return true;
    }
    return print(event);
  }

  /** Prints the event; false once {@code --count} events were printed. */
  private boolean print(JsonObject event) {
    long seq = event.getLong("seq", lastSeq);
    if (seq <= lastSeq) {
      return true;
    }
    lastSeq = seq;
    if (json()) {
      out().println(event.encode());
    } else {
      out().println(String.format("%-7d %-27s %-24s %s", seq, event.getString("createdAt", ""),
          event.getString("type", ""), event.getString("subject", "")));
    }
    out().flush();
    printed++;
    return !done();
  }

  private boolean done() {
    return count > 0 && printed >= count;
  }

  private String typesQuery() {
    return types == null || types.isBlank() ? "" : "&types=" + HubApi.encode(types);
  }
}
