package io.rainhub.agents;

import io.rainhub.api.CloudApiHandlers;
import io.rainhub.api.JsonInput;
import io.rainhub.api.Problem;
import io.rainhub.api.ProblemException;
import io.rainhub.hypervisor.UrlPattern;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads and checks the frames agents send (docs/agent-protocol.md), for the WebSocket gateway and
 * the HTTP fallback alike. A frame that fails a check is answered with an {@code error} frame built
 * from the {@link FrameException}; nothing of it reaches the hypervisor.
 */
public final class AgentFrames {

  static final int PROTOCOL = 1;
  public static final int MAX_FRAME_BYTES = 1024 * 1024;
  static final Set<String> AGENT_TYPES = Set.of("hello", "heartbeat", "ack", "result", "event", "error", "goodbye");
  private static final Set<String> KINDS = Set.of("mothership", "rainserver", "generic");
  private static final Pattern FRAME_ID = Pattern.compile("[^\\s]{1,64}");
  private static final Pattern VERSION = Pattern.compile("[^\\s]{1,64}");
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9-]{1,36}");
  private static final Pattern COMMAND_ID = Pattern.compile("[A-Za-z0-9-]{1,36}");
  private static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9._-]{0,63}");
  private static final Pattern REASON = Pattern.compile("[^\\p{Cntrl}]{1,200}");
  private static final Set<String> INSTANCE_STATES = Set.of("RUNNING", "STOPPED", "FAILED");
  private static final int MAX_INSTANCES = 10_000;
  private static final int MAX_OUTPUT_LINES = 200;
  /**
   * How deep any member of a frame may nest (a member holding a scalar is one level): checked
   * before anything else reads the frame, without recursion. The shapes of metrics, events and
   * results are tighter still ({@link PayloadShape}).
   */
  static final int MAX_MEMBER_DEPTH = 6;
  private static final int MAX_OUTPUT_LINE_LENGTH = 4096;

  /** A frame that passed the checks. */
  record Frame(String type, String id, long seq, JsonObject body) {
  }

  /** Why a frame was refused: {@code code} as the protocol names it. */
  static final class FrameException extends RuntimeException {
    final String code;
    final String inReplyTo;
    /** The field at fault (as {@code body.metrics.cpu}), when one is. */
    final String field;

    FrameException(String code, String message, String inReplyTo) {
      this(code, message, inReplyTo, null);
    }

    FrameException(String code, String message, String inReplyTo, String field) {
      super(message, null, false, false);
      this.code = code;
      this.inReplyTo = inReplyTo;
      this.field = field;
    }

    /** A payload out of its shape: {@code invalid-frame}, naming the field. */
    static FrameException invalid(PayloadShape.Violation violation, String inReplyTo) {
      return new FrameException("invalid-frame", "'" + violation.field() + "' " + violation.reason() + ".", inReplyTo,
          violation.field());
    }

    JsonObject toFrame() {
      JsonObject body = new JsonObject().put("code", code).put("message", getMessage()).put("inReplyTo", inReplyTo);
      if (field != null) {
        body.put("field", field);
      }
      return frame("error", body);
    }
  }

  private AgentFrames() {
  }

  static JsonObject frame(String type, JsonObject body) {
    return new JsonObject().put("type", type).put("id", UUID.randomUUID().toString()).put("seq", 0)
        .put("ts", System.currentTimeMillis()).put("body", body);
  }

  /** Parses a frame's text and checks its envelope and body. */
  static Frame read(String text) {
    Object parsed;
    try {
      parsed = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new FrameException("malformed", "The frame is not valid JSON.", null);
    }
    if (!(parsed instanceof JsonObject json)) {
      throw new FrameException("malformed", "A frame is a JSON object {type, id, seq, ts, body}.", null);
    }
    return check(json);
  }

  static Frame check(JsonObject json) {
    String id = json.getValue("id") instanceof String s && FRAME_ID.matcher(s).matches() ? s : null;
    if (id == null) {
      throw new FrameException("malformed", "Field 'id' must be a string of 1-64 characters without spaces.", null);
    }
    if (!(json.getValue("type") instanceof String type)) {
      throw new FrameException("malformed", "Field 'type' is required and must be a string.", id);
    }
    if (!AGENT_TYPES.contains(type)) {
      throw new FrameException("unknown-type", "Unknown frame type '" + type + "'; an agent sends one of "
          + String.join(", ", AGENT_TYPES.stream().sorted().toList()) + ".", id);
    }
    Object seq = json.getValue("seq");
    if (seq != null && !(seq instanceof Number)) {
      throw new FrameException("malformed", "Field 'seq' must be a number.", id);
    }
    if (!(json.getValue("body") instanceof JsonObject body)) {
      throw new FrameException("malformed", "Field 'body' is required and must be an object.", id);
    }
    boundDepth(json, body, id);
    try {
      JsonObject checked = switch (type) {
        case "hello" -> hello(body, id);
        case "heartbeat" -> heartbeat(body, id);
        case "ack" -> JsonInput.of(body).requireString("commandId", COMMAND_ID, "must be a command id").valid();
        case "result" -> result(body, id);
        case "event" -> event(body, id);
        case "goodbye" -> JsonInput.of(body).optionalString("reason", REASON, "must be text of at most 200 characters")
            .allowOnly("reason").valid();
        default -> body;
      };
      return new Frame(type, id, seq == null ? 0 : ((Number) seq).longValue(), checked);
    } catch (ProblemException invalid) {
      throw new FrameException("malformed", describe(invalid), id);
    }
  }

  private static JsonObject hello(JsonObject body, String id) {
    if (!Integer.valueOf(PROTOCOL).equals(body.getValue("protocol"))) {
      throw new FrameException("unsupported-protocol", "This hub speaks agent protocol " + PROTOCOL + ".", id);
    }
    String kind = body.getValue("kind") instanceof String k ? k : "";
    if (!KINDS.contains(kind)) {
      throw new FrameException("malformed", "Field 'kind' must be one of generic, mothership, rainserver.", id);
    }
    JsonInput input = JsonInput.of(body)
        .requireString("name", CloudApiHandlers.NAME, CloudApiHandlers.NAME_RULE)
        .requireString("address", CloudApiHandlers.ADDRESS, CloudApiHandlers.ADDRESS_RULE)
        .requireString("agentVersion", VERSION, "must be 1-64 characters without spaces")
        .optionalString("nodeId", NODE_ID, "must be a node id a welcome gave")
        .optionalInt("lastCommandSeq", 0, Long.MAX_VALUE)
        .optionalStringMap("labels", CloudApiHandlers.LABEL_KEY, CloudApiHandlers.LABEL_VALUE);
    if (kind.equals("mothership")) {
      input.requireNumbers("capacity", 0.001, 1e9, CloudApiHandlers.CAPACITY, CloudApiHandlers.WHOLE);
    }
    if (kind.equals("rainserver")) {
      input.requireStringArray("urls", url -> UrlPattern.SYNTAX.matcher(url).matches(), UrlPattern.RULE);
    }
    JsonObject valid = input.valid();
    instances(valid, id);
    return valid;
  }

  /** No member of the frame nests deeper than {@link #MAX_MEMBER_DEPTH}: refused before anything walks it. */
  private static void boundDepth(JsonObject json, JsonObject body, String id) {
    for (Map.Entry<String, Object> member : json) {
      if (!member.getKey().equals("body") && PayloadShape.deeperThan(member.getValue(), MAX_MEMBER_DEPTH)) {
        throw FrameException.invalid(new PayloadShape.Violation(member.getKey(), "must nest at most "
            + MAX_MEMBER_DEPTH + " levels deep"), id);
      }
    }
    for (Map.Entry<String, Object> member : body) {
      if (PayloadShape.deeperThan(member.getValue(), MAX_MEMBER_DEPTH)) {
        throw FrameException.invalid(new PayloadShape.Violation("body." + member.getKey(), "must nest at most "
            + MAX_MEMBER_DEPTH + " levels deep"), id);
      }
    }
  }

  private static JsonObject heartbeat(JsonObject body, String id) {
    if (body.containsKey("metrics") && !(body.getValue("metrics") instanceof JsonObject)) {
      throw new FrameException("malformed", "Field 'metrics' must be an object.", id);
    }
    if (body.getValue("metrics") instanceof JsonObject metrics) {
      shaped(PayloadShape.METRICS, metrics, "body.metrics", id);
    }
    instances(body, id);
    return body;
  }

  /**
   * An event: its {@code type}, and every other member within the shape of metrics (each member
   * on its own, and the whole body too), since it is stored as the event's data.
   */
  private static JsonObject event(JsonObject body, String id) {
    JsonObject valid = JsonInput.of(body).requireString("type", EVENT_TYPE, "must be a lower-case event name").valid();
    for (Map.Entry<String, Object> member : valid) {
      shaped(PayloadShape.METRICS, member.getValue(), "body." + member.getKey(), id);
    }
    shaped(PayloadShape.METRICS, valid, "body", id);
    return valid;
  }

  private static void shaped(PayloadShape shape, Object value, String field, String id) {
    PayloadShape.Violation violation = shape.check(value, field);
    if (violation != null) {
      throw FrameException.invalid(violation, id);
    }
  }

  /** Optional {@code instances}: reports of {instanceId, state, generation}. */
  private static void instances(JsonObject body, String id) {
    Object value = body.getValue("instances");
    if (value == null) {
      return;
    }
    if (!(value instanceof JsonArray reports) || reports.size() > MAX_INSTANCES) {
      throw new FrameException("malformed", "Field 'instances' must be an array of at most " + MAX_INSTANCES
          + " reports.", id);
    }
    for (int i = 0; i < reports.size(); i++) {
      if (!(reports.getValue(i) instanceof JsonObject report)
          || !(report.getValue("instanceId") instanceof String instanceId) || !COMMAND_ID.matcher(instanceId).matches()
          || !(report.getValue("state") instanceof String state) || !INSTANCE_STATES.contains(state)) {
        throw new FrameException("malformed", "instances[" + i + "] must be {instanceId, state: RUNNING|STOPPED|FAILED,"
            + " generation}.", id);
      }
    }
  }

  private static JsonObject result(JsonObject body, String id) {
    JsonObject valid = JsonInput.of(body)
        .requireString("commandId", COMMAND_ID, "must be a command id")
        .requireString("status", Pattern.compile("succeeded|failed"), "must be succeeded or failed")
        .optionalInt("exitCode", Integer.MIN_VALUE, Integer.MAX_VALUE)
        .valid();
    Object output = valid.getValue("output");
    if (output != null && (!(output instanceof JsonArray lines) || lines.size() > MAX_OUTPUT_LINES
        || lines.stream().anyMatch(line -> !(line instanceof String text) || text.length() > MAX_OUTPUT_LINE_LENGTH))) {
      throw new FrameException("malformed", "Field 'output' must be an array of at most " + MAX_OUTPUT_LINES
          + " strings of at most " + MAX_OUTPUT_LINE_LENGTH + " characters.", id);
    }
    if (valid.containsKey("data") && !(valid.getValue("data") instanceof JsonObject)) {
      throw new FrameException("malformed", "Field 'data' must be an object.", id);
    }
    if (valid.getValue("data") instanceof JsonObject data) {
      shaped(PayloadShape.RESULT_DATA, data, "body.data", id);
    }
    return valid;
  }

  private static String describe(ProblemException invalid) {
    List<Problem.InvalidParam> params = invalid.problem().invalidParams();
    if (params == null || params.isEmpty()) {
      return invalid.getMessage();
    }
    return String.join("; ", params.stream().map(p -> "'" + p.name() + "' " + p.reason()).toList());
  }
}
