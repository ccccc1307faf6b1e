package io.rainhub.agent;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one agent, or a simulator's thousands, did so far. Shared by sessions on many event loops,
 * hence adders. {@code connected} and {@code welcomed} are current numbers, the others totals.
 */
public final class AgentCounters {

  private final LongAdder connected = new LongAdder();
  private final LongAdder welcomed = new LongAdder();
  private final LongAdder framesSent = new LongAdder();
  private final LongAdder commandsExecuted = new LongAdder();
  private final LongAdder reconnects = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private volatile String lastError;

  /** Connections open now (HTTP fallback: sessions between welcome and losing the node). */
  public long connected() {
    return connected.sum();
  }

  /** Connections that received their {@code welcome} and are open now. */
  public long welcomed() {
    return welcomed.sum();
  }

  public long framesSent() {
    return framesSent.sum();
  }

  /** Commands actually run; a result sent again for a command seen before does not count. */
  public long commandsExecuted() {
    return commandsExecuted.sum();
  }

  public long reconnects() {
    return reconnects.sum();
  }

  /** Failed connections, rejected requests and {@code error} frames from the hub. */
  public long errors() {
    return errors.sum();
  }

  /** The latest error's description, or null. */
  public String lastError() {
    return lastError;
  }

  @Override
  public String toString() {
    return "connected=" + connected() + " welcomed=" + welcomed() + " framesSent=" + framesSent()
        + " commandsExecuted=" + commandsExecuted() + " reconnects=" + reconnects() + " errors=" + errors();
  }

  void connectionOpened() {
    connected.increment();
  }

  void connectionClosed() {
    connected.decrement();
  }

  void welcomeReceived() {
    welcomed.increment();
  }

  void welcomeLost() {
    welcomed.decrement();
  }

  void framesSent(long count) {
    framesSent.add(count);
  }

  void commandExecuted() {
    commandsExecuted.increment();
  }

  void reconnecting() {
    reconnects.increment();
  }

  void error(String description) {
    errors.increment();
    lastError = description;
  }
}
