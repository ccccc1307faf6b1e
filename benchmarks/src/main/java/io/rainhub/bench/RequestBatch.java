package io.rainhub.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one batch of requests gave: statuses, latencies and their percentiles, and a few samples of
 * what went wrong (enough to tell a failure's kind without flooding the output).
 */
final class RequestBatch {
  final int total;
  final int expected;
  final long[] latencies;
  final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  final AtomicInteger errors = new AtomicInteger();
  final Map<String, String> samples = new ConcurrentHashMap<>();
  volatile long wallNanos;
  private long[] sorted;

  RequestBatch(int total, int expected) {
    this.total = total;
    this.expected = expected;
    this.latencies = new long[total];
  }

  void status(HttpResponse<Buffer> response) {
    int code = response.statusCode();
    statuses.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
    if (code != expected && samples.size() < 5) {
      String body = response.bodyAsString();
      samples.putIfAbsent("HTTP " + code, body == null ? "" : body.length() > 300 ? body.substring(0, 300) : body);
    }
  }

  void error(String message) {
    errors.incrementAndGet();
    if (samples.size() < 5) {
      samples.putIfAbsent("error " + message.split(":")[0], message);
    }
  }

  int ok() {
    AtomicInteger count = statuses.get(expected);
    return count == null ? 0 : count.get();
  }

  double rate() {
    return wallNanos == 0 ? 0 : ok() / (wallNanos / 1e9);
  }

  String statusLine() {
    Map<Integer, Integer> byCode = new TreeMap<>();
    statuses.forEach((code, count) -> byCode.put(code, count.get()));
    StringBuilder line = new StringBuilder();
    line.append(expected).append(": ").append(ok());
    int other = total - ok() - errors.get();
    line.append(", other statuses: ").append(other);
    byCode.forEach((code, count) -> {
      if (code != expected) {
        line.append(" [").append(code).append(" x").append(count).append(']');
      }
    });
    line.append(", transport errors: ").append(errors.get());
    return line.toString();
  }

  String samplesText() {
    StringBuilder text = new StringBuilder();
    samples.forEach((key, value) -> text.append("\n  ").append(key).append(": ").append(value));
    return text.toString();
  }

  /** The latency at percentile {@code p} (100: the maximum), nearest rank, in milliseconds. */
  double percentileMs(double p) {
    if (sorted == null) {
      sorted = latencies.clone();
      Arrays.sort(sorted);
    }
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  long over(long millis) {
    return Arrays.stream(latencies).filter(l -> l > millis * 1_000_000L).count();
  }
}
