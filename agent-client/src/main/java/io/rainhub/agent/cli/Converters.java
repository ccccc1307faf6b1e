package io.rainhub.agent.cli;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Turns the command line's compact values into what the agent uses. */
final class Converters {

  private Converters() {
  }

  /** {@code cpu=4,ramMb=8192,bandwidthMbps=1000} → the {@code capacity} object of hello. */
  static final class Capacity implements ITypeConverter<JsonObject> {
    private static final List<String> FIELDS = List.of("cpu", "ramMb", "bandwidthMbps");

    @Override
    public JsonObject convert(String value) {
      JsonObject capacity = new JsonObject();
      for (String pair : value.split(",")) {
        String[] parts = pair.split("=", 2);
        if (parts.length != 2 || !FIELDS.contains(parts[0].trim())) {
          throw new TypeConversionException("expected " + String.join(",", FIELDS.stream().map(f -> f + "=N").toList())
              + ", got '" + pair + "'");
        }
        try {
          double number = Double.parseDouble(parts[1].trim());
          if (number < 0) {
            throw new TypeConversionException(parts[0] + " must not be negative");
          }
          capacity.put(parts[0].trim(), number == Math.rint(number) ? (Object) (long) number : number);
        } catch (NumberFormatException notANumber) {
          throw new TypeConversionException(parts[0] + " is not a number: " + parts[1]);
        }
      }
      return capacity;
    }
  }

  /** {@code 600}, {@code 600s}, {@code 500ms}, {@code 10m}, {@code 1h}: seconds when no unit is given. */
  static final class Time implements ITypeConverter<Duration> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
      Matcher matcher = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
      if (!matcher.matches()) {
        throw new TypeConversionException("expected a duration like 600s, 10m or 500ms: " + value);
      }
      long amount = Long.parseLong(matcher.group(1));
      String unit = matcher.group(2) == null ? "s" : matcher.group(2);
      return switch (unit) {
        case "ms" -> Duration.ofMillis(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofSeconds(amount);
      };
    }
  }

  /** {@code 500/s} or {@code 500}: per second. */
  static final class Rate implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      String number = value.trim().endsWith("/s") ? value.trim().substring(0, value.trim().length() - 2) : value;
      try {
        double rate = Double.parseDouble(number.trim());
        if (!(rate > 0)) {
          throw new TypeConversionException("the rate must be positive: " + value);
        }
        return rate;
      } catch (NumberFormatException notANumber) {
        throw new TypeConversionException("expected a rate like 500/s: " + value);
      }
    }
  }
}
