package io.rainhub.api;

import static io.rainhub.bus.Addresses.*;

import io.rainhub.hypervisor.UrlPattern;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The RAIN cloud API (/rainservers, /mothership, /webcomponent) and the hypervisor's versioned
 * routes. Validates at the edge, then asks the hypervisor over the event bus.
 */
public final class CloudApiHandlers {

  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  public static final String NAME_RULE = "must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit";
  public static final Pattern ADDRESS = Pattern.compile("[^\\s]{1,512}");
  public static final String ADDRESS_RULE = "must be 1-512 characters without spaces (host:port or URL)";
  private static final Pattern COMPONENT_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}");
  public static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9./_-]{0,62}");
  public static final Pattern LABEL_VALUE = Pattern.compile("[^\\n]{0,256}");
  private static final Pattern DESCRIPTION = Pattern.compile("(?s).{0,2048}");
  private static final Pattern SESSION = Pattern.compile("[^\\s]{1,128}");
  public static final List<String> CAPACITY = List.of("cpu", "ramMb", "bandwidthMbps");
  public static final List<String> WHOLE = List.of("ramMb");
  private static final int MAX_TTL = 7 * 24 * 3600;
  private static final int MAX_PAGE = 1000;

  // --- rain servers

  void registerServer(RoutingContext ctx) {
    JsonObject server = JsonInput.of(ctx)
        .requireString("name", NAME, NAME_RULE)
        .requireString("address", ADDRESS, ADDRESS_RULE)
        .requireStringArray("urls", url -> UrlPattern.SYNTAX.matcher(url).matches(), UrlPattern.RULE)
        .optionalStringMap("labels", LABEL_KEY, LABEL_VALUE)
        .optionalInt("ttlSeconds", 1, MAX_TTL)
        .allowOnly("name", "address", "urls", "labels", "ttlSeconds")
        .valid();
    created(ctx, HV_SERVER_REGISTER, server, "/rainservers/");
  }

  void listServers(RoutingContext ctx) {
    forward(ctx, HV_SERVER_LIST, new JsonObject(), 200);
  }

  void serverUrls(RoutingContext ctx) {
    forward(ctx, HV_SERVER_URLS, id(ctx), 200);
  }

  void resetServer(RoutingContext ctx) {
    forward(ctx, HV_SERVER_RESET, id(ctx), 200);
  }

  void unregisterServer(RoutingContext ctx) {
    forward(ctx, HV_SERVER_UNREGISTER, id(ctx), 200);
  }

  void serverHeartbeat(RoutingContext ctx) {
    forward(ctx, HV_SERVER_HEARTBEAT, id(ctx), 200);
  }

  // --- motherships

  void registerMothership(RoutingContext ctx) {
    JsonObject mothership = JsonInput.of(ctx)
        .requireString("name", NAME, NAME_RULE)
        .requireString("address", ADDRESS, ADDRESS_RULE)
        .requireNumbers("capacity", 0.001, 1e9, CAPACITY, WHOLE)
        .optionalStringMap("labels", LABEL_KEY, LABEL_VALUE)
        .optionalInt("ttlSeconds", 1, MAX_TTL)
        .allowOnly("name", "address", "capacity", "labels", "ttlSeconds")
        .valid();
    created(ctx, HV_MOTHERSHIP_REGISTER, mothership, "/mothership/");
  }

  void listMotherships(RoutingContext ctx) {
    forward(ctx, HV_MOTHERSHIP_LIST, new JsonObject(), 200);
  }

  void mothership(RoutingContext ctx) {
    forward(ctx, HV_MOTHERSHIP_GET, id(ctx), 200);
  }

  void mothershipComponents(RoutingContext ctx) {
    forward(ctx, HV_MOTHERSHIP_INSTANCES, id(ctx), 200);
  }

  void deleteMothership(RoutingContext ctx) {
    forward(ctx, HV_MOTHERSHIP_DELETE, id(ctx), 200);
  }

  void mothershipHeartbeat(RoutingContext ctx) {
    forward(ctx, HV_MOTHERSHIP_HEARTBEAT, id(ctx), 200);
  }

  void drainMothership(RoutingContext ctx) {
    JsonObject body = JsonInput.of(ctx).requireBoolean("draining").allowOnly("draining").valid();
    forward(ctx, HV_MOTHERSHIP_DRAIN, id(ctx).put("draining", body.getBoolean("draining")), 200);
  }

  // --- web components

  void deploy(RoutingContext ctx) {
    JsonObject descriptor = JsonInput.of(ctx)
        .requireString("id", COMPONENT_ID, "must be 1-64 lower-case letters, digits, '.', '_' or '-'")
        .requireString("version", VERSION, "must be 1-32 letters, digits, '.', '+', '_' or '-'")
        .optionalString("description", DESCRIPTION, "must be at most 2048 characters")
        .requireStringArray("urls", url -> UrlPattern.SYNTAX.matcher(url).matches(), UrlPattern.RULE)
        .requireNumbers("resources", 0, 1e9, CAPACITY, WHOLE)
        .optionalStringMap("labels", LABEL_KEY, LABEL_VALUE)
        .optionalInt("replicas", 1, 16)
        .allowOnly("id", "version", "description", "urls", "resources", "labels", "replicas")
        .valid();
    created(ctx, HV_COMPONENT_DEPLOY, descriptor, null);
  }

  void listComponents(RoutingContext ctx) {
    List<Problem.InvalidParam> faults = new ArrayList<>();
    int start = QueryParams.queryInt(ctx, "start", 0, 0, Integer.MAX_VALUE, faults);
    int range = QueryParams.queryInt(ctx, "range", 50, 1, MAX_PAGE, faults);
    if (!faults.isEmpty()) {
      throw new ProblemException(new Problem(400, "Invalid query", "The query has invalid parameters.", faults));
    }
    forward(ctx, HV_COMPONENT_LIST, new JsonObject().put("start", start).put("range", range), 200);
  }

  void component(RoutingContext ctx) {
    forward(ctx, HV_COMPONENT_GET, componentKey(ctx), 200);
  }

  void descriptor(RoutingContext ctx) {
    forward(ctx, HV_COMPONENT_DESCRIPTOR, componentKey(ctx), 200);
  }

  void statistics(RoutingContext ctx) {
    forward(ctx, HV_COMPONENT_STATISTICS, componentKey(ctx), 200);
  }

  void instantiate(RoutingContext ctx) {
    JsonInput.of(ctx, true).allowOnly().valid();
    forward(ctx, HV_COMPONENT_INSTANTIATE, componentKey(ctx), 201);
  }

  void refreshComponent(RoutingContext ctx) {
    forward(ctx, HV_COMPONENT_REFRESH, componentKey(ctx), 200);
  }

  void undeploy(RoutingContext ctx) {
    forward(ctx, HV_COMPONENT_UNDEPLOY, componentKey(ctx), 200);
  }

  void instance(RoutingContext ctx) {
    forward(ctx, HV_INSTANCE_GET, instanceKey(ctx), 200);
  }

  void cluster(RoutingContext ctx) {
    JsonObject body = JsonInput.of(ctx, true)
        .optionalString("mothershipId", ADDRESS, "must be a mothership id")
        .allowOnly("mothershipId")
        .valid();
    forward(ctx, HV_INSTANCE_CLUSTER, instanceKey(ctx).put("mothershipId", body.getString("mothershipId")), 201);
  }

  /** Without a body (or without {@code version}), a refresh; with {@code {"version"}}, an update to that version. */
  void refreshInstance(RoutingContext ctx) {
    JsonObject body = JsonInput.of(ctx, true)
        .optionalString("version", VERSION, "must be 1-32 letters, digits, '.', '+', '_' or '-'")
        .allowOnly("version")
        .valid();
    String version = body.getString("version");
    if (version == null) {
      forward(ctx, HV_INSTANCE_REFRESH, instanceKey(ctx), 200);
    } else {
      forward(ctx, HV_INSTANCE_UPDATE, instanceKey(ctx).put("version", version), 200);
    }
  }

  void restartInstance(RoutingContext ctx) {
    JsonInput.of(ctx, true).allowOnly().valid();
    forward(ctx, HV_INSTANCE_RESTART, instanceKey(ctx), 200);
  }

  void stopInstance(RoutingContext ctx) {
    forward(ctx, HV_INSTANCE_STOP, instanceKey(ctx), 200);
  }

  // --- routing and the map

  void route(RoutingContext ctx) {
    String url = ctx.queryParams().get("url");
    String session = ctx.queryParams().get("session");
    List<Problem.InvalidParam> faults = new ArrayList<>();
    if (url == null || !url.startsWith("/") || url.length() > 2048) {
      faults.add(new Problem.InvalidParam("url", "is required: a path starting with '/' (at most 2048 characters)"));
    }
    if (session == null || !SESSION.matcher(session).matches()) {
      faults.add(new Problem.InvalidParam("session", "is required: 1-128 characters without spaces"));
    }
    if (!faults.isEmpty()) {
      throw new ProblemException(new Problem(400, "Invalid query", "The query has invalid parameters.", faults));
    }
    forward(ctx, HV_ROUTE, new JsonObject().put("url", url).put("session", session), 200);
  }

  void map(RoutingContext ctx) {
    forward(ctx, HV_MAP, new JsonObject(), 200);
  }

  // --- helpers

  private static JsonObject id(RoutingContext ctx) {
    return new JsonObject().put("id", ctx.pathParam("id"));
  }

  private static JsonObject componentKey(RoutingContext ctx) {
    return new JsonObject().put("id", ctx.pathParam("id")).put("version", ctx.pathParam("version"));
  }

  private static JsonObject instanceKey(RoutingContext ctx) {
    return new JsonObject().put("instanceId", ctx.pathParam("instanceId"));
  }

  /** Every request to the hypervisor names its caller: tenancy is decided there, the actor recorded. */
  private void forward(RoutingContext ctx, String address, JsonObject body, int status) {
    Replies.toHypervisor(ctx, address, Callers.of(ctx).into(body), status);
  }

  /** 201 with a Location header naming the new resource when {@code collection} is given. */
  private void created(RoutingContext ctx, String address, JsonObject body, String collection) {
    Replies.<JsonObject>askHypervisor(ctx, address, Callers.of(ctx).into(body)).onSuccess(reply -> {
      if (collection != null) {
        ctx.response().putHeader(HttpHeaders.LOCATION, collection + reply.body().getString("id"));
      }
      Replies.json(ctx, 201, reply.body());
    }).onFailure(ctx::fail);
  }


}
