package io.rainhub.hub.cli;

import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code component scale} asks of the hub to bring a component (or one role of it) to
 * {@code count} nodes: a flex-up of {@link #add} nodes, or a flex-down of {@link #remove}, the
 * newest first. The newest node is the one with the highest {@code <topology>-<component>-<n>}.
 */
record ScalePlan(int current, int add, List<JsonObject> remove) {

  private static final Pattern ORDINAL = Pattern.compile("-(\\d+)$");

  /** Oldest first: by the name's trailing number, then by name (a name without one sorts first). */
  static final Comparator<JsonObject> AGE = Comparator.comparingLong(ScalePlan::ordinal)
      .thenComparing(node -> node.getString("name", ""));

  /**
   * {@code role}: only nodes of that role count and are removed; null counts every node, and is
   * refused when the nodes have several roles, since the count would then mean nothing.
   */
  static ScalePlan of(List<JsonObject> nodes, int count, String role) {
    if (count < 0) {
      throw CliException.refused("--count must be 0 or more, not " + count);
    }
    List<JsonObject> counted = nodes.stream().filter(n -> role == null || role.equals(n.getString("role"))).toList();
    if (role == null) {
      TreeSet<String> roles = new TreeSet<>();
      nodes.forEach(n -> roles.add(Objects.toString(n.getString("role"), "")));
      if (roles.size() > 1) {
        throw CliException.refused("the component's nodes have " + roles.size() + " roles ("
            + String.join(", ", roles) + "); give --role");
      }
    }
    int current = counted.size();
    if (count >= current) {
      return new ScalePlan(current, count - current, List.of());
    }
    List<JsonObject> newestFirst = counted.stream().sorted(AGE.reversed()).toList();
    return new ScalePlan(current, 0, newestFirst.subList(0, current - count));
  }

  boolean nothingToDo() {
    return add == 0 && remove.isEmpty();
  }

  private static long ordinal(JsonObject node) {
    Matcher m = ORDINAL.matcher(node.getString("name", ""));
    if (!m.find()) {
      return -1;
    }
    try {
      return Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
