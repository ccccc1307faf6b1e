package io.rainhub.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of one scrape of the hub's {@code /metrics} (Prometheus text format), with the few
 * the agent benchmark reads: heap, heartbeats applied, frames received.
 */
record HubMetrics(List<Sample> samples) {

  record Sample(String name, Map<String, String> labels, double value) {}

  static final String HEARTBEAT = "rainhub_agent_heartbeat_applied_seconds";

  static HubMetrics parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        String name;
        Map<String, String> labels = new HashMap<>();
        String rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
          name = line.substring(0, brace);
          int i = brace + 1;
          while (i < line.length() && line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            while (line.charAt(j) != '"') {
              char c = line.charAt(j);
              if (c == '\\') {
                j++;
                c = line.charAt(j) == 'n' ? '\n' : line.charAt(j);
              }
              value.append(c);
              j++;
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
              i++;
            }
          }
          rest = line.substring(i + 1).trim();
        } else {
          name = line.substring(0, space);
          rest = line.substring(space + 1).trim();
        }
        String number = rest.split("\\s+")[0];
        double value = switch (number) {
          case "+Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          case "NaN" -> Double.NaN;
          default -> Double.parseDouble(number);
        };
        samples.add(new Sample(name, labels, value));
      } catch (RuntimeException malformed) {
        // a line this parser does not understand: not one the benchmark reads
      }
    }
    return new HubMetrics(samples);
  }

  double sum(String name, String label, String value) {
    return samples.stream().filter(s -> s.name.equals(name) && value.equals(s.labels.get(label)))
        .mapToDouble(Sample::value).sum();
  }

  double first(String name, String label, String value) {
    return samples.stream().filter(s -> s.name.equals(name) && (label == null || value.equals(s.labels.get(label))))
        .mapToDouble(Sample::value).findFirst().orElse(0);
  }

  double heartbeatCount() {
    return first(HEARTBEAT + "_count", null, null);
  }

  /** Every frame the hub's gateway took from agents' sockets. */
  double framesReceived() {
    return first("rainhub_agent_frames_received_total", null, null);
  }

  double heartbeatSum() {
    return first(HEARTBEAT + "_sum", null, null);
  }

  double heartbeatQuantileMs(String quantile) {
    return first(HEARTBEAT, "quantile", quantile) * 1000;
  }

  double heartbeatMaxMs() {
    return first(HEARTBEAT + "_max", null, null) * 1000;
  }
}
