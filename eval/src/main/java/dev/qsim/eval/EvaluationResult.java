package dev.qsim.eval;

/**
 * What {@link Evaluator#evaluate(java.util.List)} measured: {@link BinaryEvaluation} for duplicate
 * labels, {@link GradedEvaluation} for graded scores.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface EvaluationResult permits BinaryEvaluation, GradedEvaluation {
  /**
   * The number of pairs evaluated.
   *
   * @return the pair count
   */
  int pairs();
}
