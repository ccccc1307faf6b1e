package io.rainhub.agent.sim;

import io.rainhub.agent.TlsSettings;
import io.vertx.core.json.JsonObject;

/** What {@link AgentSimulator} simulates: how many agents of which kind, against which hub, how fast. */
public final class SimulatorOptions {

  private String hub;
  private String token;
  private int count = 1;
  private String kind = "mothership";
  private String namePrefix = "sim-";
  private JsonObject capacity = new JsonObject().put("cpu", 4).put("ramMb", 8192).put("bandwidthMbps", 1000);
  /** 0: the interval the hub's welcome gives, so simulated agents never outlive the hub's TTL by default. */
  private long heartbeatMs = 0;
  private double connectRatePerSecond = 500;
  private TlsSettings tls = TlsSettings.DEFAULT;

  public String getHub() {
    return hub;
  }

  /**
   * {@code ws://}, {@code wss://}, {@code http://} or {@code https://} host and port of the hub; or
   * several hubs of one cluster, comma-separated: the agents are spread over them (agent i, from 0, starts at
   * hub i mod n) and fail over to the next.
   */
  public SimulatorOptions setHub(String hub) {
    this.hub = hub;
    return this;
  }

  public String getToken() {
    return token;
  }

  /** The agent token every simulated agent presents. */
  public SimulatorOptions setToken(String token) {
    this.token = token;
    return this;
  }

  public int getCount() {
    return count;
  }

  public SimulatorOptions setCount(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1: " + count);
    }
    this.count = count;
    return this;
  }

  public String getKind() {
    return kind;
  }

  /** {@code mothership}, {@code rainserver} or {@code generic}. */
  public SimulatorOptions setKind(String kind) {
    this.kind = kind;
    return this;
  }

  public String getNamePrefix() {
    return namePrefix;
  }

  /** Agents are named prefix1, prefix2, … */
  public SimulatorOptions setNamePrefix(String namePrefix) {
    this.namePrefix = namePrefix;
    return this;
  }

  public JsonObject getCapacity() {
    return capacity;
  }

  /** {@code {cpu, ramMb, bandwidthMbps}} each agent states. */
  public SimulatorOptions setCapacity(JsonObject capacity) {
    this.capacity = capacity;
    return this;
  }

  public long getHeartbeatMs() {
    return heartbeatMs;
  }

  /** Heartbeat interval of each agent; 0 for the interval the hub's welcome gives. */
  public SimulatorOptions setHeartbeatMs(long heartbeatMs) {
    if (heartbeatMs < 0) {
      throw new IllegalArgumentException("heartbeatMs must not be negative: " + heartbeatMs);
    }
    this.heartbeatMs = heartbeatMs;
    return this;
  }

  public double getConnectRatePerSecond() {
    return connectRatePerSecond;
  }

  /** How many agents start connecting per second, so the hub does not get them all at once. */
  public SimulatorOptions setConnectRatePerSecond(double connectRatePerSecond) {
    if (!(connectRatePerSecond > 0)) {
      throw new IllegalArgumentException("the connect rate must be positive: " + connectRatePerSecond);
    }
    this.connectRatePerSecond = connectRatePerSecond;
    return this;
  }

  public TlsSettings getTls() {
    return tls;
  }

  public SimulatorOptions setTls(TlsSettings tls) {
    this.tls = tls;
    return this;
  }
}
