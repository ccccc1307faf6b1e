package io.rainhub.hub.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live picture of a job: per workflow (component), each stage in order with its counter, its
 * state and, when it failed, the failed tasks' script, exit code and last lines. Pure: it turns
 * each job JSON it is given into the text to write, and remembers only what it wrote last.
 *
 * <p>Plain (piped): one line per stage whose counter or state changed since the last call, nothing
 * when nothing changed; stages that have not started yet are not printed, so a log starts with the
 * first stage that moves. In place (a terminal): the whole picture, with a bar per stage, redrawn
 * over the previous one by moving the cursor up and clearing each line.
 */
final class JobProgress {

  static final String ESC = "\u001b[";

  private final boolean inPlace;
  private final int width;
  /** Plain mode: each stage's last printed line, unpadded, so a wider column elsewhere reprints nothing. */
  private final Map<String, String> printed = new HashMap<>();
  /** In-place mode: the lines now on screen. */
  private List<String> frame = List.of();

  /**
   * {@code width}: in place, lines are cut to it, since a line that wraps would make the cursor-up
   * count wrong; ignored in plain mode.
   */
  JobProgress(boolean inPlace, int width) {
    this.inPlace = inPlace;
    this.width = Math.max(20, width);
  }

  static JobProgress plain() {
    return new JobProgress(false, Integer.MAX_VALUE);
  }

  /** The text to write for this answer: "" when nothing changed. */
  String render(JsonObject job) {
    List<Row> rows = rows(job);
    return inPlace ? redraw(job, rows) : changes(rows);
  }

  private String changes(List<Row> rows) {
    Widths widths = Widths.of(rows);
    StringBuilder text = new StringBuilder();
    for (Row row : rows) {
      String line = row.component + "\t" + row.stage + "\t" + row.counter + "\t" + row.state;
      String before = printed.get(row.key);
      if (line.equals(before) || (before == null && row.notStarted())) {
        continue;
      }
      printed.put(row.key, line);
      text.append(widths.line(row, false)).append('\n');
      for (String failure : row.failures) {
        text.append("  ").append(failure).append('\n');
      }
    }
    return text.toString();
  }

  private String redraw(JsonObject job, List<Row> rows) {
    Widths widths = Widths.of(rows);
    List<String> lines = new ArrayList<>();
    lines.add(cut("job " + job.getString("id", "?") + " (" + job.getString("kind", "?") + ")  "
        + JobWords.counter(job.getJsonObject("progress")) + " " + JobWords.bar(job.getJsonObject("progress"))
        + "  " + JobWords.state(job.getString("state"))));
    for (Row row : rows) {
      lines.add(cut(widths.line(row, true)));
      for (String failure : row.failures) {
        lines.add(cut("  " + failure));
      }
    }
    if (lines.equals(frame)) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    if (!frame.isEmpty()) {
      text.append(ESC).append(frame.size()).append('A');
    }
    for (String line : lines) {
      text.append(ESC).append("2K").append(line).append('\n');
    }
    if (lines.size() < frame.size()) {
      text.append(ESC).append('J');
    }
    frame = lines;
    return text.toString();
  }

  /** The whole picture without ANSI and without memory, for {@code job get}. */
  static List<String> snapshot(JsonObject job) {
    List<Row> rows = rows(job);
    Widths widths = Widths.of(rows);
    List<String> lines = new ArrayList<>();
    for (Row row : rows) {
      lines.add(widths.line(row, true));
      for (String failure : row.failures) {
        lines.add("  " + failure);
      }
    }
    return lines;
  }

  private String cut(String line) {
    return line.length() < width ? line : line.substring(0, width - 4) + "...";
  }

  private static List<Row> rows(JsonObject job) {
    List<Row> rows = new ArrayList<>();
    for (JsonObject workflow : HubApi.objects(job.getJsonArray("workflows", new JsonArray()))) {
      String component = workflow.getString("component", workflow.getString("id", "?"));
      for (JsonObject stage : HubApi.objects(workflow.getJsonArray("stages", new JsonArray()))) {
        rows.add(Row.of(workflow.getString("id", component), component, stage));
      }
    }
    return rows;
  }

  private record Row(String key, String component, String stage, String counter, String bar, String state,
      boolean started, List<String> failures) {

    static Row of(String workflowKey, String component, JsonObject stage) {
      String name = stage.getString("name", "?");
      JsonObject progress = stage.getJsonObject("progress");
      String state = stage.getString("state");
      List<JsonObject> tasks = HubApi.objects(stage.getJsonArray("tasks", new JsonArray()));
      List<String> failures = new ArrayList<>();
      String detail = null;
      for (JsonObject task : tasks) {
        if (JobWords.FAILED.equals(task.getString("state"))) {
          failures.addAll(JobWords.failedTask(task));
        } else if (detail == null && !JobWords.ended(task) && task.getString("detail") != null
            && !task.getString("detail").isBlank()) {
          detail = task.getString("detail").strip();
        }
      }
      String words = JobWords.state(state) + (detail == null ? "" : " (" + detail + ")");
      // A stage cancelled before it began never started either: a piped log does not list it.
      boolean started = stage.getString("startedAt") != null || detail != null
          || (progress != null && progress.getInteger("done", 0) > 0)
          || !(JobWords.state(state).equals("waiting") || JobWords.CANCELLED.equals(state));
      return new Row(workflowKey + "/" + name, component, name, JobWords.counter(progress), JobWords.bar(progress),
          words, started, List.copyOf(failures));
    }

    boolean notStarted() {
      return !started;
    }
  }

  /** Column widths over every row, the counter's from the totals so it does not grow as tasks finish. */
  private record Widths(int component, int stage, int counter) {

    static Widths of(List<Row> rows) {
      int component = 0;
      int stage = 0;
      int counter = 0;
      for (Row row : rows) {
        component = Math.max(component, row.component.length());
        stage = Math.max(stage, row.stage.length());
        String total = row.counter.substring(row.counter.indexOf('/') + 1);
        counter = Math.max(counter, Math.max(row.counter.length(), 2 * total.length() + 1));
      }
      return new Widths(component, stage, counter);
    }

    String line(Row row, boolean withBar) {
      return pad(row.component, component) + "  " + pad(row.stage, stage) + "  " + pad(row.counter, counter)
          + (withBar ? " " + row.bar : "") + "  " + row.state;
    }

    private static String pad(String text, int width) {
      return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
  }
}
