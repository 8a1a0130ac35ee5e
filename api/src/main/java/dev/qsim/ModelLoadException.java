package dev.qsim;

/**
 * A model could not be loaded: a missing or unreadable model directory, a corrupt ONNX file,
 * invalid metadata, a tokenizer that does not parse or a native library that is not available. The
 * message names the path or resource and what is wrong with it.
 *
 * <p>Instances are immutable once thrown and may be shared between threads.
 */
public class ModelLoadException extends QsimException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception that names the model source and the problem.
   *
   * @param message the path or resource and what is wrong with it
   */
  public ModelLoadException(String message) {
    super(message);
  }

  /**
   * Creates an exception that names the model source and the problem, with its cause.
   *
   * @param message the path or resource and what is wrong with it
   * @param cause the underlying failure
   */
  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
