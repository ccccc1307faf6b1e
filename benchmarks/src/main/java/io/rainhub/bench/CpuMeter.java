package io.rainhub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the CPU went during a phase, from Linux's /proc: the hub process and its busiest threads
 * (named through {@code jcmd PID Thread.print} when the JDK has it), this benchmark's own JVM, wrk
 * (sampled while it runs), interrupt work, and whatever else kept the machine busy. Reads nothing when the
 * hub's pid is unknown or /proc is missing; never fails the benchmark.
 */
final class CpuMeter {

  private static final long TICKS_PER_SECOND = ticksPerSecond();
  private static final Pattern THREAD = Pattern.compile("^\"(.+?)\".*?\\bnid=(0x[0-9a-fA-F]+|\\d+)", Pattern.MULTILINE);

  private final long hubPid;
  private final long selfPid = ProcessHandle.current().pid();

  CpuMeter(long hubPid) {
    this.hubPid = hubPid;
  }

  record Snapshot(long hubTicks, Map<Long, Long> hubThreadTicks, Map<Long, String> hubThreadComm, long selfTicks,
      Map<Long, Long> otherTicks, Map<Long, String> otherComm, long machineBusy, long machineIrq,
      long machineTotal) {}

  record ThreadUse(String name, double cores) {}

  record Usage(double hubCores, List<ThreadUse> hubThreads, double benchCores, double wrkCores,
      double irqCores, double machineBusyCores, int cpus, List<ThreadUse> others) {

    /** Busy CPU that none of the benchmark's processes and no interrupt work account for. */
    double otherCores() {
      return Math.max(0, machineBusyCores - hubCores - benchCores - wrkCores - irqCores);
    }

    Usage withWrk(double cores) {
      return new Usage(hubCores, hubThreads, benchCores, cores, irqCores, machineBusyCores, cpus, others);
    }

    String describe() {
      StringBuilder s = new StringBuilder();
      s.append(String.format(Locale.ROOT,
          "cores busy %.2f of %d: hub %.2f, benchmark JVM (client, bare server) %.2f, wrk %.2f, irq/softirq %.2f, other processes %.2f",
          machineBusyCores, cpus, hubCores, benchCores, wrkCores, irqCores, otherCores()));
      if (!others.isEmpty()) {
        s.append(" (");
        for (int i = 0; i < others.size(); i++) {
          s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f", others.get(i).name, others.get(i).cores));
        }
        s.append(')');
      }
      if (!hubThreads.isEmpty()) {
        s.append("\n                hub's busiest threads (cores):");
        for (ThreadUse thread : hubThreads) {
          s.append(String.format(Locale.ROOT, " %s %.2f;", thread.name, thread.cores));
        }
      }
      return s.toString();
    }
  }

  Snapshot snapshot() {
    Map<Long, Long> threadTicks = new HashMap<>();
    Map<Long, String> threadComm = new HashMap<>();
    long hubTicks = 0;
    if (hubPid > 0) {
      hubTicks = processTicks(Path.of("/proc/" + hubPid + "/stat"), null);
      try (var tasks = Files.list(Path.of("/proc/" + hubPid + "/task"))) {
        tasks.forEach(task -> {
          String[] comm = new String[1];
          long ticks = processTicks(task.resolve("stat"), comm);
          if (ticks >= 0) {
            long tid = Long.parseLong(task.getFileName().toString());
            threadTicks.put(tid, ticks);
            threadComm.put(tid, comm[0]);
          }
        });
      } catch (IOException | RuntimeException ignored) {
        // the hub is gone or this is not Linux
      }
    }
    long self = processTicks(Path.of("/proc/" + selfPid + "/stat"), null);
    Map<Long, Long> otherTicks = new HashMap<>();
    Map<Long, String> otherComm = new HashMap<>();
    try (var procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        long pid = Long.parseLong(p.getFileName().toString());
        if (pid != hubPid && pid != selfPid) {
          String[] comm = new String[1];
          long ticks = processTicks(p.resolve("stat"), comm);
          if (ticks > 0) {
            otherTicks.put(pid, ticks);
            otherComm.put(pid, comm[0]);
          }
        }
      });
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    long[] machine = machineTicks();
    return new Snapshot(hubTicks, threadTicks, threadComm, self, otherTicks, otherComm, machine[0], machine[1],
        machine[2]);
  }

  /** A phase's start: the counters and the wall clock, for {@link #since(Window)}. */
  record Window(Snapshot snapshot, long startedNanos) {}

  Window open() {
    return new Window(snapshot(), System.nanoTime());
  }

  /** CPU since the window opened, over the wall time since then (not the phase's own notion of it). */
  Usage since(Window window) {
    return since(window.snapshot(), System.nanoTime() - window.startedNanos());
  }

  /** CPU used since {@code before}, in cores, over {@code wallNanos} of wall time. */
  Usage since(Snapshot before, long wallNanos) {
    Snapshot after = snapshot();
    double seconds = Math.max(1e-9, wallNanos / 1e9);
    int cpus = Runtime.getRuntime().availableProcessors();
    double hub = hubPid > 0 ? (after.hubTicks - before.hubTicks) / (double) TICKS_PER_SECOND / seconds : 0;
    double self = (after.selfTicks - before.selfTicks) / (double) TICKS_PER_SECOND / seconds;
    long total = after.machineTotal - before.machineTotal;
    double busy = total <= 0 ? 0 : (after.machineBusy - before.machineBusy) / (double) total * cpus;
    double irq = total <= 0 ? 0 : (after.machineIrq - before.machineIrq) / (double) total * cpus;
    Map<Long, String> names = hubPid > 0 ? javaThreadNames() : Map.of();
    List<ThreadUse> threads = new ArrayList<>();
    after.hubThreadTicks.forEach((tid, ticks) -> {
      long used = ticks - before.hubThreadTicks.getOrDefault(tid, 0L);
      if (used > 0) {
        String name = names.getOrDefault(tid, after.hubThreadComm.getOrDefault(tid, "tid " + tid));
        threads.add(new ThreadUse(name, used / (double) TICKS_PER_SECOND / seconds));
      }
    });
    threads.sort((a, b) -> Double.compare(b.cores, a.cores));
    List<ThreadUse> others = new ArrayList<>();
    after.otherTicks.forEach((pid, ticks) -> {
      long used = ticks - before.otherTicks.getOrDefault(pid, 0L);
      double cores = used / (double) TICKS_PER_SECOND / seconds;
      if (cores >= 0.02) {
        others.add(new ThreadUse(after.otherComm.get(pid) + "[" + pid + "]", cores));
      }
    });
    others.sort((a, b) -> Double.compare(b.cores, a.cores));
    return new Usage(hub, threads.subList(0, Math.min(6, threads.size())), self, 0, irq, busy, cpus,
        others.subList(0, Math.min(4, others.size())));
  }

  /** utime + stime of /proc/.../stat, -1 when unreadable; the thread's name goes to comm[0]. */
  private static long processTicks(Path stat, String[] comm) {
    try {
      String text = Files.readString(stat, StandardCharsets.UTF_8);
      int open = text.indexOf('(');
      int close = text.lastIndexOf(')');
      if (comm != null) {
        comm[0] = text.substring(open + 1, close);
      }
      String[] fields = text.substring(close + 2).trim().split("\\s+");
      // fields[0] is field 3 (state); utime is field 14, stime field 15
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long[] machineTicks() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      long irq = Long.parseLong(f[6]) + Long.parseLong(f[7]);
      return new long[] {total - idle, irq, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0, 0};
    }
  }

  /** Native thread id to Java thread name, from jcmd; empty when jcmd is missing or slow. */
  private Map<Long, String> javaThreadNames() {
    Map<Long, String> names = new HashMap<>();
    String jcmd = Programs.which("jcmd");
    if (jcmd == null) {
      return names;
    }
    try {
      Programs.Finished threads = Programs.finish(List.of(jcmd, String.valueOf(hubPid), "Thread.print"), 15);
      if (threads == null) {
        return names;
      }
      Matcher m = THREAD.matcher(threads.output());
      while (m.find()) {
        String nid = m.group(2);
        long tid = nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid);
        names.put(tid, m.group(1));
      }
    } catch (IOException | RuntimeException e) {
      return names;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return names;
  }

  private static long ticksPerSecond() {
    try {
      Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      if (process.waitFor(5, TimeUnit.SECONDS)) {
        return Long.parseLong(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
      }
      process.destroyForcibly();
    } catch (IOException | RuntimeException e) {
      // assume Linux's usual value
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
