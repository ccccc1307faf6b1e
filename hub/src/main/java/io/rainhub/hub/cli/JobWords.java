package io.rainhub.hub.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How a job, its stages and its failures read in words (docs/workflows.md, "Job JSON"). */
final class JobWords {

  static final String SUCCEEDED = "SUCCEEDED";
  static final String FAILED = "FAILED";
  static final String CANCELLED = "CANCELLED";

  private static final int BAR_CELLS = 10;

  private JobWords() {
  }

  static boolean ended(JsonObject job) {
    String state = job.getString("state", "");
    return SUCCEEDED.equals(state) || FAILED.equals(state) || CANCELLED.equals(state);
  }

  /** {@code waiting}, {@code running}, {@code succeeded}, {@code failed}, {@code cancelled}. */
  static String state(String state) {
    if (state == null || state.isEmpty() || "PENDING".equals(state)) {
      return "waiting";
    }
    return state.toLowerCase(Locale.ROOT);
  }

  /** {@code 1/2}; "0/0" when the answer has no progress. */
  static String counter(JsonObject progress) {
    JsonObject p = progress == null ? new JsonObject() : progress;
    return p.getInteger("done", 0) + "/" + p.getInteger("total", 0);
  }

  /** {@code [#####.....]}: the share of tasks done, in ten cells. */
  static String bar(JsonObject progress) {
    JsonObject p = progress == null ? new JsonObject() : progress;
    int total = p.getInteger("total", 0);
    int done = Math.max(0, Math.min(total, p.getInteger("done", 0)));
    int filled = total == 0 ? 0 : done * BAR_CELLS / total;
    return "[" + "#".repeat(filled) + ".".repeat(BAR_CELLS - filled) + "]";
  }

  /**
   * A job's {@code error} on one line, e.g. {@code install.sh on shop-app-2 (app/install) exited with
   * code 3: boom; last line: "apt-get: not found"}.
   */
  static String error(JsonObject job) {
    JsonObject error = job.getJsonObject("error");
    if (error == null) {
      return "no error given";
    }
    StringBuilder line = new StringBuilder();
    String script = error.getString("script");
    if (script != null) {
      line.append(script);
    }
    String node = error.getString("nodeName", error.getString("nodeId"));
    if (node != null) {
      line.append(line.length() == 0 ? "on " : " on ").append(node);
    }
    String where = where(job, error);
    if (!where.isEmpty()) {
      line.append(line.length() == 0 ? "" : " ").append("(").append(where).append(")");
    }
    Integer exitCode = error.getInteger("exitCode");
    if (exitCode != null) {
      line.append(line.length() == 0 ? "" : " ").append("exited with code ").append(exitCode);
    }
    String message = error.getString("message");
    if (message != null && !message.isBlank()) {
      line.append(line.length() == 0 ? "" : ": ").append(message.strip());
    }
    List<String> last = lastLines(error.getJsonArray("lastLines"));
    if (!last.isEmpty()) {
      line.append("; last line: \"").append(last.get(last.size() - 1)).append('"');
    }
    return line.length() == 0 ? "no error given" : line.toString();
  }

  /**
   * A failed task in words, then its last lines indented, e.g. {@code install.sh on shop-app-2 exited
   * with code 3 (2 attempts)} and {@code   | E: package not found}.
   */
  static List<String> failedTask(JsonObject task) {
    List<String> lines = new ArrayList<>();
    StringBuilder head = new StringBuilder(task.getString("script", "the task"));
    String node = task.getString("nodeName", task.getString("nodeId"));
    if (node != null) {
      head.append(" on ").append(node);
    }
    Integer exitCode = task.getInteger("exitCode");
    head.append(exitCode == null ? " failed" : " exited with code " + exitCode);
    int attempts = task.getInteger("attempts", 1);
    if (attempts > 1) {
      head.append(" (").append(attempts).append(" attempts)");
    }
    String detail = task.getString("detail");
    if (detail != null && !detail.isBlank()) {
      head.append(": ").append(detail.strip());
    }
    lines.add(head.toString());
    for (String last : lastLines(task.getJsonArray("lastLines"))) {
      lines.add("  | " + last);
    }
    return lines;
  }

  /** How the job ended, for the last line of a follow: {@code job 42 (create) succeeded: 30/30 tasks}. */
  static String outcome(JsonObject job) {
    String state = job.getString("state", "");
    String head = "job " + job.getString("id") + " (" + job.getString("kind", "?") + ") " + state(state);
    if (FAILED.equals(state)) {
      return head + ": " + error(job);
    }
    return head + ": " + counter(job.getJsonObject("progress")) + " tasks";
  }

  /** {@code app/install}: the error names its workflow by id, which reads better as the component. */
  private static String where(JsonObject job, JsonObject error) {
    String workflow = error.getString("workflow");
    for (Object item : job.getJsonArray("workflows", new JsonArray())) {
      if (item instanceof JsonObject w && workflow != null && workflow.equals(w.getString("id"))) {
        workflow = w.getString("component", workflow);
      }
    }
    String stage = error.getString("stage");
    if (workflow == null) {
      return stage == null ? "" : stage;
    }
    return stage == null ? workflow : workflow + "/" + stage;
  }

  private static List<String> lastLines(JsonArray lines) {
    List<String> list = new ArrayList<>();
    if (lines != null) {
      for (Object line : lines) {
        if (line != null && !line.toString().isBlank()) {
          list.add(line.toString().stripTrailing());
        }
      }
    }
    return list;
  }
}
