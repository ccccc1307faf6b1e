package io.rainhub.ui.harness;

import io.rainhub.testing.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A hub process (hub/target/rainhub.jar) on a free port of 127.0.0.1, with H2 and its topologies'
 * nodes in {@code dir}. Closing it also ends what it started that is still running (the local
 * target's rain-agent processes), found by process id beneath it.
 */
public final class HubProcess implements AutoCloseable {

  private static final Duration START = Duration.ofSeconds(90);

  private final ChildProcess process;
  private final int port;
  private final String password;

  private HubProcess(ChildProcess process, int port, String password) {
    this.process = process;
    this.port = port;
    this.password = password;
  }

  /**
   * Starts {@code rainhub serve} in {@code dir} (also its --data-dir: keep it short, PostgreSQL's
   * socket path under it must stay within 107 bytes) with {@code options} added, and waits until it serves.
   */
  public static HubProcess start(Path dir, String password, String... options) throws Exception {
    int port = ChildProcess.freePort();
    Files.createDirectories(dir);
    List<String> args = new ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port", Integer.toString(port),
        "--data-dir", dir.toString()));
    args.addAll(List.of(options));
    ChildProcess process = ChildProcess.java("hub", dir, Map.of("RAINHUB_ADMIN_PASSWORD", password),
        Checkout.file("hub", "target", "rainhub.jar"), args.toArray(String[]::new));
    HubProcess hub = new HubProcess(process, port, password);
    try {
      process.awaitLine("Rain Hub serving", START);
    } catch (AssertionError | InterruptedException failed) {
      process.close();
      throw failed;
    }
    return hub;
  }

  public int port() {
    return port;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  public String password() {
    return password;
  }

  /** The admin's API session. */
  public HubClient admin() throws Exception {
    return new HubClient(port).login("admin", password);
  }

  public String output() {
    return process.output();
  }

  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> started = ProcessHandle.current().children()
        .filter(child -> child.info().arguments().map(List::of)
            .map(a -> a.contains("serve") && a.contains(Integer.toString(port))).orElse(false))
        .flatMap(ProcessHandle::descendants).toList();
    process.close();
    for (ProcessHandle left : started) {
      left.destroyForcibly();
    }
  }
}
