package dev.qsim.eval;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * qsim's one calibration rule, used by {@code qsim calibrate} and by training: the similarity
 * threshold is the one with the best balanced accuracy on labelled pairs ({@link
 * BinaryMetrics#bestBalancedAccuracy()}); a decision that scores pairs (pair head, verifier) gets
 * its own best-balanced-accuracy threshold the same way; and the candidate threshold, the
 * similarity that retrieval must reach, is the one that keeps {@link Evaluator#CANDIDATE_COVERAGE}
 * of the pairs the decision accepts ({@link Evaluator#candidateThreshold}), and never above the
 * similarity threshold.
 *
 * <p>Immutable and thread-safe.
 *
 * @param similarity the best balanced accuracy split of the similarities
 * @param decision the best balanced accuracy split of the decision scores; empty without them
 * @param candidateThreshold the candidate threshold; empty without decision scores
 */
public record Calibration(
    ThresholdMetrics similarity,
    Optional<ThresholdMetrics> decision,
    OptionalDouble candidateThreshold) {

  /**
   * Checks the components.
   *
   * @param similarity the best balanced accuracy split of the similarities
   * @param decision the best balanced accuracy split of the decision scores; empty without them
   * @param candidateThreshold the candidate threshold; empty without decision scores
   * @throws NullPointerException if one is null
   */
  public Calibration {
    Objects.requireNonNull(similarity, "similarity");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(candidateThreshold, "candidateThreshold");
  }

  /**
   * Calibrates on labelled pairs.
   *
   * @param similarities each pair's embedding similarity
   * @param decisionScores each pair's decision score, or {@code null} for a similarity-only model
   * @param duplicates each pair's label
   * @param decisionThreshold the score at which the decision accepts a pair, for the candidate
   *     threshold; {@link Double#NaN} for the threshold calibrated here
   * @return the thresholds and their metrics
   * @throws IllegalArgumentException if the arrays differ in length or are empty, or the decision
   *     accepts none of the pairs
   */
  public static Calibration of(
      double[] similarities,
      double @Nullable [] decisionScores,
      boolean[] duplicates,
      double decisionThreshold) {
    Objects.requireNonNull(similarities, "similarities");
    Objects.requireNonNull(duplicates, "duplicates");
    ThresholdMetrics similarity = BinaryMetrics.of(similarities, duplicates).bestBalancedAccuracy();
    if (decisionScores == null) {
      return new Calibration(similarity, Optional.empty(), OptionalDouble.empty());
    }
    ThresholdMetrics decision = BinaryMetrics.of(decisionScores, duplicates).bestBalancedAccuracy();
    double accepts = Double.isNaN(decisionThreshold) ? decision.threshold() : decisionThreshold;
    double candidate =
        Math.min(
            similarity.threshold(),
            Evaluator.candidateThreshold(
                similarities, decisionScores, accepts, Evaluator.CANDIDATE_COVERAGE));
    return new Calibration(similarity, Optional.of(decision), OptionalDouble.of(candidate));
  }
}
