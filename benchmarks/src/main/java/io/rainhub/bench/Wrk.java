package io.rainhub.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk with the read phase's settings and reads its figures (and its CPU time) from its output. */
final class Wrk {

  /** One wrk run: rate, errors, latencies as wrk prints them, its raw output and the CPU it used. */
  record WrkResult(double requestsPerSecond, long non2xx, String socketErrors, String p50, String p99,
      String max, String raw, double cpuSeconds) {}

  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");
  private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors:\\s*(.+)");
  private static final Pattern LATENCY = Pattern.compile("^\\s+Latency\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)", Pattern.MULTILINE);
  private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)%\\s+(\\S+)", Pattern.MULTILINE);

  /** The line bash's {@code times} adds after wrk's output. */
  private static final Pattern TIMES = Pattern.compile("^(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s$", Pattern.MULTILINE);

  private final String wrk;
  private final int threads;
  private final int connections;

  Wrk(String wrk, int threads, int connections) {
    this.wrk = wrk;
    this.threads = threads;
    this.connections = connections;
  }

  /** The command line as the summary shows it. */
  String describe(int seconds) {
    return String.format(Locale.ROOT, "wrk -t%d -c%d -d%ds --timeout 5s --latency -s rotate-ids.lua URL",
        threads, connections, seconds);
  }

  WrkResult run(String url, Path script, int seconds) throws IOException, InterruptedException {
    // bash's `times` gives wrk's CPU time exactly (user and system, from wait4)
    List<String> command = List.of("bash", "-c", "\"$@\"; rc=$?; times; exit $rc", "bash",
        wrk, "-t" + threads, "-c" + connections,
        "-d" + seconds + "s", "--timeout", "5s", "--latency", "-s", script.toString(), url + "/");
    Programs.Finished finished = Programs.finish(command, seconds + 30L);
    if (finished == null) {
      throw new BenchmarkFailure("wrk did not finish within " + (seconds + 30) + " s");
    }
    String raw = finished.output();
    Matcher rps = RPS.matcher(raw);
    if (finished.exitValue() != 0 || !rps.find()) {
      throw new BenchmarkFailure("wrk failed (exit " + finished.exitValue() + "): " + raw);
    }
    Matcher non2xx = NON_2XX.matcher(raw);
    Matcher socket = SOCKET_ERRORS.matcher(raw);
    Matcher latency = LATENCY.matcher(raw);
    String max = latency.find() ? latency.group(3) : "?";
    String p50 = "?";
    String p99 = "?";
    Matcher pct = PERCENTILE.matcher(raw);
    while (pct.find()) {
      if (pct.group(1).equals("50")) {
        p50 = pct.group(2);
      } else {
        p99 = pct.group(2);
      }
    }
    return new WrkResult(Double.parseDouble(rps.group(1)), non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
        socket.find() ? socket.group(1).trim() : "none", p50, p99, max, raw, childCpuSeconds(raw));
  }

  /** The children's user + system seconds from the last line `times` printed; 0 when missing. */
  private static double childCpuSeconds(String output) {
    Matcher m = TIMES.matcher(output);
    double seconds = 0;
    while (m.find()) {
      seconds = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
          + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
    }
    return seconds;
  }

  /** wrk's output without the lines {@code times} added. */
  static String withoutTimes(String raw) {
    return TIMES.matcher(raw).replaceAll("").stripTrailing();
  }
}
