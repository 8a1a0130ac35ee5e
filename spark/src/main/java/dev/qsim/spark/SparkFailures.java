package dev.qsim.spark;

import dev.qsim.QsimException;

/**
 * Turns a failed Spark job back into the qsim error that an executor threw (a missing model
 * directory, a bad question), so that callers see its message rather than Spark's stage report.
 * Stateless and thread-safe.
 */
final class SparkFailures {
  private SparkFailures() {}

  /** The first {@link QsimException} in the cause chain, else a {@link QsimException} wrapping. */
  static QsimException unwrap(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof QsimException) {
        return (QsimException) t;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return new QsimException("Spark job failed: " + e.getMessage(), e);
  }
}
