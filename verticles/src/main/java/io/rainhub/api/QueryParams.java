package io.rainhub.api;

import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Query parameters read the same way on every route: a fault is collected, naming the parameter. */
public final class QueryParams {

  private QueryParams() {
  }

  /** The parameter as a whole number in [min, max]; {@code fallback} when absent or at fault (and recorded). */
  public static int queryInt(RoutingContext ctx, String name, int fallback, int min, int max,
      List<Problem.InvalidParam> faults) {
    String text = ctx.queryParams().get(name);
    if (text == null || text.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    faults.add(new Problem.InvalidParam(name, "must be a whole number between " + min + " and " + max));
    return fallback;
  }
}
