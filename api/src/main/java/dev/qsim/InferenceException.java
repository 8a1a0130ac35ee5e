package dev.qsim;

/**
 * Running the encoder failed at inference time (tokenisation or the ONNX Runtime session reported
 * an error). The message names the batch or input index concerned.
 *
 * <p>Instances are immutable once thrown and may be shared between threads.
 */
public class InferenceException extends QsimException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception that names the failing input.
   *
   * @param message which input or batch failed, and how
   */
  public InferenceException(String message) {
    super(message);
  }

  /**
   * Creates an exception that names the failing input, with its cause.
   *
   * @param message which input or batch failed, and how
   * @param cause the underlying failure
   */
  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
