package dev.qsim;

/**
 * The root of qsim's unchecked exceptions. Every failure that qsim itself reports is a {@code
 * QsimException} (or one of its subclasses) that keeps the underlying cause; argument errors are
 * the JDK's {@link NullPointerException} and {@link IllegalArgumentException} (a question the model
 * cannot read is the {@link UnreadableQuestionException} subclass of the latter), and use after
 * close is {@link IllegalStateException}.
 *
 * <p>Instances are immutable once thrown and may be shared between threads.
 */
public class QsimException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that names what went wrong.
   *
   * @param message what failed, naming the file, line, argument or index concerned
   */
  public QsimException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the cause it wraps.
   *
   * @param message what failed, naming the file, line, argument or index concerned
   * @param cause the underlying failure, kept for the stack trace
   */
  public QsimException(String message, Throwable cause) {
    super(message, cause);
  }
}
