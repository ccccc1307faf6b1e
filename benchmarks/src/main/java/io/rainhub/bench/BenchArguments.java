package io.rainhub.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The benchmarks' command lines: {@code --name value} or {@code --name=value}, and {@code --help}. */
final class BenchArguments {

  private BenchArguments() {
  }

  /** The options given, by name, in order; prints {@code usage} and exits on --help. */
  static Map<String, String> read(String[] args, String usage) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--help") || name.equals("-h")) {
        System.out.println(usage);
        System.exit(0);
      }
      String value;
      int eq = name.indexOf('=');
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException(name + " needs a value");
      }
      given.put(name, value);
    }
    return given;
  }

  static long number(String name, String value, long min) {
    try {
      long n = Long.parseLong(value);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // below
    }
    throw new IllegalArgumentException(name + " must be a whole number >= " + min + ", not " + value);
  }

  static int integer(String name, String value, int min) {
    long n = number(name, value, min);
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be at most " + Integer.MAX_VALUE + ", not " + value);
    }
    return (int) n;
  }
}
