package io.rainhub.api;

import static io.rainhub.bus.Addresses.*;

import io.rainhub.model.Topology;
import io.rainhub.model.TopologyValidator;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The topology API's handlers: check the request's shape, then ask the workflow engine (on the leader). */
final class TopologyHandlers {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern WAIT = Pattern.compile("(\\d{1,5})(ms|s)?");
  private static final Pattern STATE = Pattern.compile("PENDING|RUNNING|SUCCEEDED|FAILED|CANCELLED");
  private static final long MAX_WAIT_MILLIS = 60_000;

  private final TopologyValidator validator;

  TopologyHandlers(TopologyValidator validator) {
    this.validator = validator;
  }

  void create(RoutingContext ctx) {
    // JsonInput reads the body as every handler does: not JSON, or not an object, is a 400.
    Topology topology = validator.validate(JsonInput.of(ctx).valid());
    JsonObject body = Callers.of(ctx).into(new JsonObject().put("topology", topology.toJson()));
    Replies.askHypervisor(ctx, WF_TOPOLOGY_CREATE, body).onSuccess(reply -> {
      JsonObject created = (JsonObject) reply.body();
      ctx.response().putHeader("Location", "/v1.0/topologies/" + created.getString("id"));
      Replies.json(ctx, 202, created);
    }).onFailure(ctx::fail);
  }

  void list(RoutingContext ctx) {
    List<Problem.InvalidParam> faults = new ArrayList<>();
    int start = QueryParams.queryInt(ctx, "start", 0, 0, Integer.MAX_VALUE, faults);
    int range = QueryParams.queryInt(ctx, "range", 50, 1, 500, faults);
    refuse(faults);
    Replies.toHypervisor(ctx, WF_TOPOLOGY_LIST, Callers.of(ctx).into(new JsonObject().put("start", start)
        .put("range", range)), 200);
  }

  void get(RoutingContext ctx) {
    Replies.toHypervisor(ctx, WF_TOPOLOGY_GET, withId(ctx), 200);
  }

  void delete(RoutingContext ctx) {
    Replies.toHypervisor(ctx, WF_TOPOLOGY_DELETE, withId(ctx), 202);
  }

  void flexUp(RoutingContext ctx) {
    JsonObject request = JsonInput.of(ctx).optionalInt("count", 1, 100).optionalString("role", ROLE,
        "must be a role of the component").allowOnly("count", "role").valid();
    Replies.toHypervisor(ctx, WF_COMPONENT_FLEX_UP, withId(ctx).put("count", request.getInteger("count", 1))
        .put("role", request.getString("role")), 202);
  }

  void status(RoutingContext ctx) {
    Replies.toHypervisor(ctx, WF_COMPONENT_STATUS, withId(ctx), 202);
  }

  void settings(RoutingContext ctx) {
    JsonObject request = JsonInput.of(ctx).allowOnly("settings").valid();
    Object settings = request.getValue("settings");
    List<Problem.InvalidParam> faults = new ArrayList<>();
    if (!(settings instanceof JsonObject object)) {
      faults.add(new Problem.InvalidParam("settings", "must be an object of settings (string, number or boolean values)"));
    } else {
      for (Map.Entry<String, Object> entry : object) {
        Object value = entry.getValue();
        if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
          faults.add(new Problem.InvalidParam("settings." + entry.getKey(), "must be a string, number or boolean"));
        } else if (!ROLE.matcher(entry.getKey()).matches()) {
          faults.add(new Problem.InvalidParam("settings." + entry.getKey(), "is not a valid setting name"));
        }
      }
    }
    refuse(faults);
    Replies.toHypervisor(ctx, WF_COMPONENT_SETTINGS, withId(ctx).put("settings", settings), 202);
  }

  void scripts(RoutingContext ctx) {
    JsonObject request = JsonInput.of(ctx).optionalString("topologyId", ID, "must be a topology id")
        .optionalString("componentId", ID, "must be a component id").allowOnly("topologyId", "componentId", "nodeIds")
        .valid();
    Object nodeIds = request.getValue("nodeIds");
    if (nodeIds != null && !(nodeIds instanceof JsonArray array && array.size() <= 500
        && array.stream().allMatch(id -> id instanceof String text && ID.matcher(text).matches()))) {
      refuse(List.of(new Problem.InvalidParam("nodeIds", "must be a list of at most 500 node ids")));
    }
    Replies.toHypervisor(ctx, WF_NODE_SCRIPTS, Callers.of(ctx).into(request), 202);
  }

  void services(RoutingContext ctx, String action) {
    Replies.toHypervisor(ctx, WF_NODE_SERVICES, withId(ctx).put("action", action), 202);
  }

  void flexDown(RoutingContext ctx) {
    Replies.toHypervisor(ctx, WF_NODE_DELETE, withId(ctx), 202);
  }

  void replace(RoutingContext ctx) {
    Replies.toHypervisor(ctx, WF_NODE_REPLACE, withId(ctx), 202);
  }

  void jobs(RoutingContext ctx) {
    List<Problem.InvalidParam> faults = new ArrayList<>();
    int start = QueryParams.queryInt(ctx, "start", 0, 0, Integer.MAX_VALUE, faults);
    int range = QueryParams.queryInt(ctx, "range", 50, 1, 500, faults);
    String topology = ctx.queryParams().get("topology");
    String state = ctx.queryParams().get("state");
    if (topology != null && !ID.matcher(topology).matches()) {
      faults.add(new Problem.InvalidParam("topology", "must be a topology id"));
    }
    if (state != null && !STATE.matcher(state).matches()) {
      faults.add(new Problem.InvalidParam("state", "must be one of PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED"));
    }
    refuse(faults);
    Replies.toHypervisor(ctx, WF_JOB_LIST, Callers.of(ctx).into(new JsonObject().put("start", start)
        .put("range", range).put("topology", topology).put("state", state)), 200);
  }

  /** {@code ?wait=30s}: the engine answers when the job ends or the wait elapses, so the bus waits longer. */
  void job(RoutingContext ctx) {
    String wait = ctx.queryParams().get("wait");
    long waitMs = 0;
    if (wait != null) {
      Matcher matcher = WAIT.matcher(wait);
      waitMs = matcher.matches() ? Long.parseLong(matcher.group(1)) * ("ms".equals(matcher.group(2)) ? 1 : 1000) : -1;
      if (waitMs < 0 || waitMs > MAX_WAIT_MILLIS) {
        refuse(List.of(new Problem.InvalidParam("wait", "must be a duration of at most 60s, as 30s or 500ms")));
      }
    }
    JsonObject body = withId(ctx).put("waitMs", waitMs);
    ctx.vertx().eventBus().<JsonObject>request(WF_JOB_GET, body, new DeliveryOptions().setSendTimeout(waitMs + 10_000))
        .onSuccess(reply -> Replies.json(ctx, 200, reply.body())).onFailure(ctx::fail);
  }

  void cancel(RoutingContext ctx) {
    Replies.toHypervisor(ctx, WF_JOB_CANCEL, withId(ctx), 200);
  }

  private static JsonObject withId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      refuse(List.of(new Problem.InvalidParam("id", "must be an id (letters, digits and -)")));
    }
    return Callers.of(ctx).into(new JsonObject().put("id", id));
  }

  private static void refuse(List<Problem.InvalidParam> faults) {
    if (!faults.isEmpty()) {
      throw new ProblemException(new Problem(400, "Invalid request", "The request has " + faults.size()
          + " invalid parameter(s).", List.copyOf(faults)));
    }
  }
}
