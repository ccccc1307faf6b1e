package io.rainhub.hub.cli;

/**
 * A failure the CLI reports as one line on stderr, with its exit code: 2 when the hub cannot be
 * reached (or the command line is wrong), 1 when the hub refused or the input was bad.
 */
public final class CliException extends RuntimeException {

  /** The hub could not be reached, or the command line cannot work. */
  public static final int UNREACHABLE = 2;
  /** The hub answered with a problem, or a name did not resolve. */
  public static final int REFUSED = 1;

  private final int exitCode;
  private final int status;

  public CliException(int exitCode, String message) {
    this(exitCode, message, 0);
  }

  /** {@code status}: the HTTP status of the hub's answer, 0 when there was none. */
  public CliException(int exitCode, String message, int status) {
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.status = status;
  }

  public static CliException refused(String message) {
    return new CliException(REFUSED, message);
  }

  public int exitCode() {
    return exitCode;
  }

  public int status() {
    return status;
  }
}
