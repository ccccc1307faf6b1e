package io.rainhub.ui.bench;

import io.rainhub.testing.ChildProcess;
import io.rainhub.ui.harness.Checkout;
import io.rainhub.ui.harness.Chromium;
import io.rainhub.ui.harness.HubClient;
import io.rainhub.ui.harness.HubProcess;
import io.rainhub.ui.harness.UiPage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 12 item 7: a hub with --agents simulated motherships, a steady churn of instances (one placed
 * every 1/--rate s, the oldest stopped once --keep are up), the map open in headless Chromium. Reports
 * the time from each instance event's commit ({@code createdAt}, stamped in the committing
 * transaction) to the frame after #map-list showed it, read in the page (performance.timeOrigin +
 * now(), same machine clock), and the page's JS heap after a forced GC at the start and each minute.
 */
public final class UiBenchmark {

  private static final String OBSERVER = """
      window.__seen = [];
      const stamp = el => {
        const id = el.getAttribute('data-node-id'), state = el.getAttribute('data-state');
        requestAnimationFrame(() => window.__seen.push([id, state, performance.timeOrigin + performance.now()]));
      };
      const visit = node => {
        if (node.nodeType !== 1) return;
        if (node.hasAttribute('data-node-id')) stamp(node);
        node.querySelectorAll('[data-node-id]').forEach(stamp);
      };
      new MutationObserver(changes => changes.forEach(c =>
          c.type === 'childList' ? c.addedNodes.forEach(visit) : visit(c.target)))
        .observe(document.getElementById('map-list'),
          {subtree: true, childList: true, attributes: true, attributeFilter: ['data-state', 'data-node-id']});""";

  record Seen(String nodeId, String state, double at) {
  }

  public static void main(String[] args) throws Exception {
    BenchArgs options = BenchArgs.parse(args);
    // Without the selenium-devtools artifacts (not needed: CDP commands go through chromedriver) it warns once.
    Logger.getLogger("org.openqa.selenium.devtools").setLevel(Level.SEVERE);
    Path work = Files.createTempDirectory("rainhub-bench-ui");
    String password = "bench-ui-" + Long.toHexString(System.nanoTime());
    try (HubProcess hub = HubProcess.start(work.resolve("hub"), password)) {
      run(options, hub, work);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static void run(BenchArgs options, HubProcess hub, Path work) throws Exception {
    HubClient admin = hub.admin();
    ChildProcess simulator = ChildProcess.java("simulate", work, Map.of(),
        Checkout.file("agent-client", "target", "rain-agent.jar"), "simulate", "--count", Integer.toString(options.agents()),
        "--hub", "ws://127.0.0.1:" + hub.port(), "--token", admin.agentToken("bench-ui"), "--report-seconds", "60");
    ChromeDriver driver = Chromium.start("--enable-precise-memory-info");
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    try {
      simulator.awaitLine("agents welcomed", Duration.ofSeconds(120));
      HubClient.expect(201, "deploy", admin.send("POST", "/webcomponent/", new JsonObject().put("id", "bench")
          .put("version", "1.0").put("urls", new JsonArray().add("/bench/*"))
          .put("resources", new JsonObject().put("cpu", 1).put("ramMb", 64).put("bandwidthMbps", 1))));
      UiPage ui = new UiPage(driver, hub);
      long openedAt = System.nanoTime();
      ui.logInAsAdmin();
      new WebDriverWait(driver, Duration.ofSeconds(60)).until(d ->
          d.findElements(By.cssSelector("#map-list [data-kind='mothership']")).size() >= options.agents());
      System.out.printf("map with %d motherships shown %.1f s after opening the login%n", options.agents(),
          (System.nanoTime() - openedAt) / 1e9);
      ui.script(OBSERVER);
      Thread.sleep(2000);
      List<String> heap = new ArrayList<>(List.of(heap(driver, ui, 0)));
      long mark = admin.get("/v1.0/events?since=0&limit=1").getLong("newestSeq");

      Deque<String> live = new ArrayDeque<>();
      List<String> failures = new ArrayList<>();
      load.scheduleAtFixedRate(() -> churn(admin, live, options.keep(), failures), 0,
          Math.round(1000 / options.rate()), TimeUnit.MILLISECONDS);
      List<Seen> seen = new ArrayList<>();
      long end = System.nanoTime() + Duration.ofMinutes(options.minutes()).toNanos();
      long nextHeap = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      int minute = 0;
      while (System.nanoTime() < end) {
        Thread.sleep(1000);
        drain(ui, seen);
        if (System.nanoTime() >= nextHeap) {
          heap.add(heap(driver, ui, ++minute));
          nextHeap += Duration.ofMinutes(1).toNanos();
        }
      }
      load.shutdown();
      load.awaitTermination(30, TimeUnit.SECONDS);
      Thread.sleep(3000);
      drain(ui, seen);
      heap.add(heap(driver, ui, options.minutes()));
      report(options, admin, mark, seen, heap, failures);
    } finally {
      load.shutdownNow();
      driver.quit();
      simulator.close();
    }
  }

  /** One instance placed; the oldest stopped once more than {@code keep} are up: a steady map size. */
  private static void churn(HubClient admin, Deque<String> live, int keep, List<String> failures) {
    try {
      HubClient.Response placed = admin.send("POST", "/webcomponent/bench/1.0", new JsonObject());
      if (placed.status() / 100 != 2) {
        failures.add("place " + placed.status());
        return;
      }
      live.add(placed.json().getString("instanceId"));
      if (live.size() > keep) {
        HubClient.Response stopped = admin.send("DELETE", "/webcomponent/" + live.poll(), null);
        if (stopped.status() / 100 != 2) {
          failures.add("stop " + stopped.status());
        }
      }
    } catch (Exception e) {
      failures.add(e.toString());
    }
  }

  @SuppressWarnings("unchecked")
  private static void drain(UiPage ui, List<Seen> seen) {
    List<List<Object>> batch = (List<List<Object>>) ui.script("return window.__seen.splice(0);");
    for (List<Object> row : batch) {
      seen.add(new Seen((String) row.get(0), (String) row.get(1), ((Number) row.get(2)).doubleValue()));
    }
  }

  /** The heap after a forced GC (CDP), performance.memory's figure and the DOM's size. */
  private static String heap(ChromeDriver driver, UiPage ui, int minute) {
    driver.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
    Map<String, Object> usage = driver.executeCdpCommand("Runtime.getHeapUsage", Map.of());
    Object memory = ui.script("return performance.memory ? performance.memory.usedJSHeapSize : null;");
    Object elements = ui.script("return document.getElementsByTagName('*').length;");
    return String.format("minute %2d: heap after GC %.2f MiB (performance.memory %s MiB), %s DOM elements", minute,
        ((Number) usage.get("usedSize")).doubleValue() / (1 << 20),
        memory == null ? "n/a" : String.format("%.2f", ((Number) memory).doubleValue() / (1 << 20)), elements);
  }

  private static void report(BenchArgs options, HubClient admin, long mark, List<Seen> seen, List<String> heap,
      List<String> failures) throws Exception {
    List<Double> placed = new ArrayList<>();
    List<Double> running = new ArrayList<>();
    int events = 0;
    int missed = 0;
    for (long since = mark; ; ) {
      JsonObject page = admin.get("/v1.0/events?since=" + since + "&limit=1000&types=instance.placed,instance.running");
      for (Object item : page.getJsonArray("items")) {
        JsonObject event = (JsonObject) item;
        String id = event.getString("subject").substring("instance/".length());
        double committed = Instant.parse(event.getString("createdAt")).toEpochMilli()
            + Instant.parse(event.getString("createdAt")).getNano() % 1_000_000 / 1e6;
        boolean isRunning = event.getString("type").equals("instance.running");
        Double shown = seen.stream().filter(s -> s.nodeId() != null && s.nodeId().endsWith(id))
            .filter(s -> !isRunning || "RUNNING".equals(s.state())).map(Seen::at).findFirst().orElse(null);
        events++;
        if (shown == null) {
          missed++;
        } else {
          (isRunning ? running : placed).add(shown - committed);
        }
      }
      if (page.getLong("lastSeq") == since) {
        break;
      }
      since = page.getLong("lastSeq");
    }
    System.out.printf("%d simulated agents, %.1f instances/s placed (at most %d up), %d min%n", options.agents(),
        options.rate(), options.keep(), options.minutes());
    System.out.printf("events instance.placed + instance.running: %d, shown on the map: %d, never shown: %d%n",
        events, placed.size() + running.size(), missed);
    print("placed  -> on #map-list", placed);
    print("running -> RUNNING     ", running);
    List<Double> all = new ArrayList<>(placed);
    all.addAll(running);
    print("all                    ", all);
    heap.forEach(System.out::println);
    System.out.println("load failures: " + (failures.isEmpty() ? "none" : failures.size() + ", first " + failures.get(0)));
  }

  private static void print(String what, List<Double> millis) {
    if (millis.isEmpty()) {
      System.out.println(what + ": no samples");
      return;
    }
    List<Double> sorted = millis.stream().sorted().toList();
    System.out.printf("%s: n=%d p50=%.0f ms p95=%.0f ms max=%.0f ms%n", what, sorted.size(), percentile(sorted, 50),
        percentile(sorted, 95), sorted.get(sorted.size() - 1));
  }

  private static double percentile(List<Double> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
