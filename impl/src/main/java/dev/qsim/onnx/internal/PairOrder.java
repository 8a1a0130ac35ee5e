package dev.qsim.onnx.internal;

/**
 * The order in which a cross-encoder verifier reads a pair: the two questions in {@link
 * String#compareTo} order, so that a pair and its swap are one sequence and the verifier's
 * probability is symmetric by construction, at the cost of one sequence per pair. Inference (the
 * verifier) and training (its calibration and dev figures) both read pairs in this order.
 *
 * <p>Internal: public only so that qsim's own modules can call it. Stateless; thread-safe.
 */
public final class PairOrder {
  private PairOrder() {}

  /**
   * Whether the verifier reads the pair as given.
   *
   * @param first a question
   * @param second the other question
   * @return {@code true} to read {@code (first, second)}, {@code false} for {@code (second, first)}
   */
  public static boolean asGiven(String first, String second) {
    return first.compareTo(second) <= 0;
  }
}
