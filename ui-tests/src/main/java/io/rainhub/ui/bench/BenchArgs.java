package io.rainhub.ui.bench;

/** bin/bench-ui's options: --minutes M --agents N --rate R (instances placed per second) --keep K. */
record BenchArgs(int minutes, int agents, double rate, int keep) {

  static BenchArgs parse(String[] args) {
    int minutes = 10;
    int agents = 200;
    double rate = 2;
    int keep = 20;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--minutes" -> minutes = Integer.parseInt(value);
        case "--agents" -> agents = Integer.parseInt(value);
        case "--rate" -> rate = Double.parseDouble(value);
        case "--keep" -> keep = Integer.parseInt(value);
        case "--help", "-h" -> {
          System.out.println("bin/bench-ui [--minutes 10] [--agents 200] [--rate 2] [--keep 20]");
          System.exit(0);
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
      }
      i++;
    }
    if (minutes < 1 || agents < 1 || rate <= 0 || keep < 1) {
      throw new IllegalArgumentException("--minutes, --agents and --keep must be at least 1, --rate above 0");
    }
    return new BenchArgs(minutes, agents, rate, keep);
  }
}
