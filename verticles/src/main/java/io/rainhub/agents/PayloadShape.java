package io.rainhub.agents;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The bounds a free-form JSON payload an agent sends (heartbeat metrics, an event's members, a
 * result's data) must keep before anything else touches it: nesting depth, members, string length,
 * finite numbers and encoded size. The walk is iterative, so a payload nested 900 levels deep is
 * refused without recursing on an event loop; the encoded size is measured only once depth and
 * members are known to be small.
 */
record PayloadShape(int maxDepth, int maxMembers, int maxStringLength, int maxEncodedBytes) {

  /** Heartbeat metrics and event payloads: {@code {cpu, memory: {usedMb, totalMb}, load: [..]}} and the like. */
  static final PayloadShape METRICS = new PayloadShape(4, 64, 1024, 16 * 1024);
  /** A result's {@code data}: a little more room for what a command reports. */
  static final PayloadShape RESULT_DATA = new PayloadShape(4, 256, 4096, 64 * 1024);
  private static final int MAX_KEY_LENGTH = 128;

  /** Where a payload is out of shape: the field at fault (as {@code body.metrics.cpu}) and why. */
  record Violation(String field, String reason) {
  }

  private record Pending(Object value, int depth, String path) {
  }

  /**
   * The first way {@code value} (found at {@code path}) breaks this shape, or null. Depth, members
   * and size are reported at {@code path}; a bad number or string at its own path.
   */
  Violation check(Object value, String path) {
    Deque<Pending> todo = new ArrayDeque<>();
    todo.push(new Pending(value, 1, path));
    int members = 0;
    while (!todo.isEmpty()) {
      Pending next = todo.pop();
      Object item = next.value();
      if (item instanceof Map<?, ?> map) {
        item = new JsonObject(castMap(map));
      } else if (item instanceof List<?> list) {
        item = new JsonArray(list);
      }
      if (item instanceof JsonObject || item instanceof JsonArray) {
        if (next.depth() > maxDepth) {
          return new Violation(path, "must nest at most " + maxDepth + " levels deep");
        }
      }
      if (item instanceof JsonObject object) {
        members += object.size();
        if (members > maxMembers) {
          return new Violation(path, "must have at most " + maxMembers + " members in all");
        }
        for (Map.Entry<String, Object> entry : object) {
          if (entry.getKey().length() > MAX_KEY_LENGTH) {
            return new Violation(path, "member names must be at most " + MAX_KEY_LENGTH + " characters");
          }
          todo.push(new Pending(entry.getValue(), next.depth() + 1, next.path() + "." + entry.getKey()));
        }
      } else if (item instanceof JsonArray array) {
        members += array.size();
        if (members > maxMembers) {
          return new Violation(path, "must have at most " + maxMembers + " members in all");
        }
        for (int i = 0; i < array.size(); i++) {
          todo.push(new Pending(array.getValue(i), next.depth() + 1, next.path() + "[" + i + "]"));
        }
      } else if (item instanceof Double || item instanceof Float) {
        double number = ((Number) item).doubleValue();
        if (Double.isNaN(number) || Double.isInfinite(number)) {
          return new Violation(next.path(), "must be a finite number");
        }
      } else if (item instanceof String text && text.length() > maxStringLength) {
        return new Violation(next.path(), "must be a string of at most " + maxStringLength + " characters");
      }
    }
    if (value instanceof JsonObject || value instanceof JsonArray) {
      String encoded = value instanceof JsonObject object ? object.encode() : ((JsonArray) value).encode();
      if (encoded.getBytes(StandardCharsets.UTF_8).length > maxEncodedBytes) {
        return new Violation(path, "must be at most " + maxEncodedBytes + " bytes encoded");
      }
    }
    return null;
  }

  /**
   * How deep {@code value} nests (an object or array is one level), counting no further than
   * {@code limit + 1}: enough to refuse anything deeper without walking all of it.
   */
  static boolean deeperThan(Object value, int limit) {
    Deque<Pending> todo = new ArrayDeque<>();
    todo.push(new Pending(value, 1, ""));
    while (!todo.isEmpty()) {
      Pending next = todo.pop();
      Object item = next.value();
      if (item instanceof JsonObject object) {
        if (next.depth() > limit) {
          return true;
        }
        object.forEach(entry -> todo.push(new Pending(entry.getValue(), next.depth() + 1, "")));
      } else if (item instanceof JsonArray array) {
        if (next.depth() > limit) {
          return true;
        }
        array.forEach(element -> todo.push(new Pending(element, next.depth() + 1, "")));
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
