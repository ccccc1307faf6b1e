package io.rainhub.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an agent remembers between runs (docs/agent-protocol.md, "The agent's state directory"):
 * its node id, the highest command sequence it finished, the commands it has seen with their
 * status and result, the instances it runs and its wires. Confined to the agent's event loop.
 */
public final class AgentState {

  public static final String STARTED = "started";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String INTERRUPTED = "interrupted: the agent restarted while running this command";

  /** Command ids are what guarantees at-most-once, so many are kept... */
  static final int MAX_COMMANDS = 10_000;
  /** ...but full results only for the newest: only recent ones can still be missing at the hub. */
  static final int MAX_RESULTS = 100;
  static final String OUTPUT_DROPPED = "(output no longer kept)";

  private String nodeId;
  private long lastCommandSeq;
  /** commandId → {seq, action, status, exitCode?}, oldest first. */
  private final Map<String, JsonObject> commands = bounded(MAX_COMMANDS);
  /** commandId → the body of its result frame, oldest first. */
  private final Map<String, JsonObject> results = bounded(MAX_RESULTS);
  /** instanceId → {componentId, version, role, generation, state}. */
  private final Map<String, JsonObject> instances = new LinkedHashMap<>();
  /** mothershipId → address. */
  private final Map<String, String> wires = new TreeMap<>();

  /** The state of a node that never met a hub. */
  public static AgentState empty() {
    return fromJson(new JsonObject());
  }

  /**
   * Reads a state written by {@link #toJson()}. A command still {@code started} was running when
   * the previous agent died: it becomes a failed command that will never be run again.
   */
  public static AgentState fromJson(JsonObject json) {
    AgentState state = new AgentState();
    state.nodeId = json.getString("nodeId");
    state.lastCommandSeq = json.getLong("lastCommandSeq", 0L);
    for (Object item : json.getJsonArray("commands", new JsonArray())) {
      JsonObject command = (JsonObject) item;
      String commandId = command.getString("commandId");
      long seq = command.getLong("seq");
      if (STARTED.equals(command.getString("status"))) {
        state.commandFinished(commandId, seq, command.getString("action"), new JsonObject()
            .put("commandId", commandId).put("seq", seq).put("status", FAILED)
            .put("output", new JsonArray().add(INTERRUPTED)));
      } else {
        JsonObject record = command.copy();
        record.remove("commandId");
        JsonObject result = (JsonObject) record.remove("result");
        state.commands.put(commandId, record);
        if (result != null) {
          state.results.put(commandId, result);
        }
      }
    }
    json.getJsonObject("instances", new JsonObject())
        .forEach(entry -> state.instances.put(entry.getKey(), ((JsonObject) entry.getValue()).copy()));
    json.getJsonObject("wires", new JsonObject())
        .forEach(entry -> state.wires.put(entry.getKey(), (String) entry.getValue()));
    return state;
  }

  public JsonObject toJson() {
    JsonArray commandList = new JsonArray();
    commands.forEach((commandId, command) -> {
      JsonObject entry = command.copy().put("commandId", commandId);
      JsonObject result = results.get(commandId);
      if (result != null) {
        entry.put("result", result.copy());
      }
      commandList.add(entry);
    });
    JsonObject instanceMap = new JsonObject();
    instances.forEach((id, instance) -> instanceMap.put(id, instance.copy()));
    return new JsonObject()
        .put("nodeId", nodeId)
        .put("lastCommandSeq", lastCommandSeq)
        .put("commands", commandList)
        .put("instances", instanceMap)
        .put("wires", new JsonObject(new LinkedHashMap<>(wires)));
  }

  public String nodeId() {
    return nodeId;
  }

  public void nodeId(String nodeId) {
    this.nodeId = nodeId;
  }

  /** The highest command sequence finished: {@code lastCommandSeq} in {@code hello}. */
  public long lastCommandSeq() {
    return lastCommandSeq;
  }

  /** {@link #STARTED}, {@link #SUCCEEDED}, {@link #FAILED}, or null for a command never seen. */
  public String commandStatus(String commandId) {
    JsonObject command = commands.get(commandId);
    return command == null ? null : command.getString("status");
  }

  public void commandStarted(String commandId, long seq, String action) {
    commands.put(commandId, new JsonObject().put("seq", seq).put("action", action).put("status", STARTED));
  }

  /** @param result the body of the command's result frame, sent again if the hub sends the command again */
  public void commandFinished(String commandId, long seq, String action, JsonObject result) {
    JsonObject command = new JsonObject().put("seq", seq).put("action", action)
        .put("status", result.getString("status"));
    if (result.getInteger("exitCode") != null) {
      command.put("exitCode", result.getInteger("exitCode"));
    }
    commands.remove(commandId);
    commands.put(commandId, command);
    results.remove(commandId);
    results.put(commandId, result.copy());
    lastCommandSeq = Math.max(lastCommandSeq, seq);
  }

  /** The result of a finished command, rebuilt from its status when its output is no longer kept. */
  public JsonObject storedResult(String commandId) {
    JsonObject result = results.get(commandId);
    if (result != null) {
      return result.copy();
    }
    JsonObject command = commands.get(commandId);
    JsonObject rebuilt = new JsonObject().put("commandId", commandId).put("seq", command.getLong("seq"))
        .put("status", command.getString("status")).put("output", new JsonArray().add(OUTPUT_DROPPED));
    if (command.getInteger("exitCode") != null) {
      rebuilt.put("exitCode", command.getInteger("exitCode"));
    }
    return rebuilt;
  }

  public JsonObject instance(String instanceId) {
    return instances.get(instanceId);
  }

  public void putInstance(String instanceId, JsonObject instance) {
    instances.put(instanceId, instance);
  }

  public void removeInstance(String instanceId) {
    instances.remove(instanceId);
  }

  /** The {@code instances} of {@code hello} and {@code heartbeat}. */
  public JsonArray instanceReports() {
    JsonArray reports = new JsonArray();
    instances.forEach((id, instance) -> reports.add(new JsonObject()
        .put("instanceId", id)
        .put("state", instance.getString("state"))
        .put("generation", instance.getValue("generation"))));
    return reports;
  }

  public void addWire(String mothershipId, String address) {
    wires.put(mothershipId, address);
  }

  public void removeWire(String mothershipId) {
    wires.remove(mothershipId);
  }

  public void clearWires() {
    wires.clear();
  }

  public Map<String, String> wires() {
    return Map.copyOf(wires);
  }

  private static <V> Map<String, V> bounded(int max) {
    return new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > max;
      }
    };
  }
}
