package io.rainhub.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client that keeps registering motherships, one request at a time, through the hubs that serve
 * (alive and past "Rain Hub serving"; round-robin), across every kill. Every 201 is recorded; every
 * other answer is counted by status, and the same registration is sent again with the same request
 * id (to the other hub when it serves) until it is accepted or has failed {@link #ATTEMPTS} times, so
 * the audit can check each accepted name is stored exactly once even when a first attempt was
 * applied without an answer.
 */
final class RegistrationLoad implements Runnable {

  static final int ATTEMPTS = 5;

  private final RegistrationClient client;
  private final List<ClusteredHub> hubs;
  private final long intervalMs;
  private final String prefix;
  private volatile boolean running = true;
  private final Thread thread = new Thread(this, "registration-load");

  final List<String> accepted = new CopyOnWriteArrayList<>();
  /** Names never accepted after {@link #ATTEMPTS} attempts. */
  final List<String> abandoned = new CopyOnWriteArrayList<>();
  final Map<String, AtomicInteger> failuresByStatus = new ConcurrentHashMap<>();
  final List<String> failureSamples = new CopyOnWriteArrayList<>();
  final AtomicInteger attempts = new AtomicInteger();
  final AtomicInteger acceptedOnRepeat = new AtomicInteger();

  RegistrationLoad(RegistrationClient client, List<ClusteredHub> hubs, long intervalMs, String prefix) {
    this.client = client;
    this.hubs = hubs;
    this.intervalMs = intervalMs;
    this.prefix = prefix;
  }

  void start() {
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops after the registration in progress. */
  void stop() throws InterruptedException {
    running = false;
    thread.join(RegistrationClient.REQUEST_TIMEOUT.toMillis() * ATTEMPTS + 10_000);
  }

  @Override
  public void run() {
    int next = 0;
    for (int n = 0; running; n++) {
      String name = prefix + n;
      String requestId = "bench-" + name;
      boolean done = false;
      for (int attempt = 1; attempt <= ATTEMPTS && !done; attempt++) {
        ClusteredHub hub = pickServing(next++);
        if (hub == null) {
          BoundedWaits.sleep(50);
          attempt--; // no hub is up: not an attempt
          continue;
        }
        attempts.incrementAndGet();
        RegistrationClient.Answer answer = client.register(hub.httpPort, name, requestId);
        if (answer.created()) {
          accepted.add(name);
          if (attempt > 1) {
            acceptedOnRepeat.incrementAndGet();
          }
          done = true;
        } else {
          String status = answer.status() == RegistrationClient.NO_ANSWER ? "no answer" : "HTTP " + answer.status();
          failuresByStatus.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
          if (failureSamples.size() < 5) {
            failureSamples.add(name + " via " + hub.name + " (attempt " + attempt + "): " + status + " "
                + abbreviate(answer.detail()));
          }
          BoundedWaits.sleep(100);
        }
      }
      if (!done) {
        abandoned.add(name);
      }
      BoundedWaits.sleep(intervalMs);
    }
  }

  private ClusteredHub pickServing(int turn) {
    for (int i = 0; i < hubs.size(); i++) {
      ClusteredHub hub = hubs.get((turn + i) % hubs.size());
      if (hub.serving()) {
        return hub;
      }
    }
    return null;
  }

  int failures() {
    return failuresByStatus.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** e.g. {@code no answer 2, HTTP 503 1}; {@code none} when every attempt was accepted. */
  String describeFailures() {
    if (failuresByStatus.isEmpty()) {
      return "none";
    }
    StringBuilder text = new StringBuilder();
    new TreeMap<>(failuresByStatus).forEach((status, count) ->
        text.append(text.length() == 0 ? "" : ", ").append(status).append(' ').append(count.get()));
    return text.toString();
  }

  private static String abbreviate(String detail) {
    String flat = detail == null ? "" : detail.replaceAll("\\s+", " ");
    return flat.length() > 160 ? flat.substring(0, 160) + "…" : flat;
  }
}
