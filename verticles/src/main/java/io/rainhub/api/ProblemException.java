package io.rainhub.api;

/** Thrown (or failed with) by handlers to answer with a specific problem. No stack trace: it is an answer, not a bug. */
public final class ProblemException extends RuntimeException {

  private final Problem problem;

  public ProblemException(Problem problem) {
    super(problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
