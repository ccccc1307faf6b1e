package io.rainhub.hub.cli;

import io.vertx.core.json.JsonObject;

/** How resources and states read in tables and trees. */
final class Formats {

  private Formats() {
  }

  /** {@code cpu=4 ram=8192MB bw=1000Mbps}, or "" for none. */
  static String resources(JsonObject resources) {
    if (resources == null) {
      return "";
    }
    return "cpu=" + number(resources.getValue("cpu")) + " ram=" + number(resources.getValue("ramMb")) + "MB bw="
        + number(resources.getValue("bandwidthMbps")) + "Mbps";
  }

  /** The state, with ",draining" for a draining mothership. */
  static String state(JsonObject node) {
    String state = node.getString("state", "");
    return node.getBoolean("draining", false) ? state + ",draining" : state;
  }

  static String number(Object value) {
    if (value instanceof Number number) {
      double d = number.doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
    return value == null ? "?" : value.toString();
  }
}
