package dev.qsim.training;

import dev.qsim.QsimException;

/**
 * Training could not go on: a non-finite loss or gradient, an unusable checkpoint, a failed export.
 * The message says where (epoch, step, file) and what to try. Immutable and thread-safe.
 */
public class TrainingException extends QsimException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what went wrong and where
   */
  public TrainingException(String message) {
    super(message);
  }

  /**
   * Creates an exception keeping its cause.
   *
   * @param message what went wrong and where
   * @param cause the underlying failure
   */
  public TrainingException(String message, Throwable cause) {
    super(message, cause);
  }
}
