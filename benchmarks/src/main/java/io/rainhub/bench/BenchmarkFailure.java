package io.rainhub.bench;

/** A benchmark that cannot go on: main prints the message (no stack trace) and exits with 1. */
final class BenchmarkFailure extends RuntimeException {
  BenchmarkFailure(String message) {
    super(message);
  }
}
