package dev.qsim.onnx;

import dev.qsim.DuplicateDecision;
import dev.qsim.SimilarityFunction;

/**
 * The one duplicate decision of a loaded model: which score (pair head or similarity) and which
 * threshold. {@code isDuplicate}, {@code duplicateScores}, {@code findDuplicates}, {@code
 * mostSimilar} and the question index all score pairs through an instance of this class, so they
 * cannot disagree.
 *
 * <p>Immutable and thread-safe.
 */
final class PairDecision {
  private final DuplicateDecision kind;
  private final double threshold;
  private final SimilarityFunction function;
  private final PairHead head;

  private PairDecision(
      DuplicateDecision kind, double threshold, SimilarityFunction function, PairHead head) {
    this.kind = kind;
    this.threshold = threshold;
    this.function = function;
    this.head = head;
  }

  /** The similarity decision at {@code threshold}. */
  static PairDecision similarity(SimilarityFunction function, double threshold) {
    checkThreshold(DuplicateDecision.SIMILARITY, function, threshold);
    return new PairDecision(DuplicateDecision.SIMILARITY, threshold, function, null);
  }

  /** The pair head's decision at {@code threshold}. */
  static PairDecision pairHead(PairHead head, SimilarityFunction function, double threshold) {
    checkThreshold(DuplicateDecision.PAIR_HEAD, function, threshold);
    return new PairDecision(DuplicateDecision.PAIR_HEAD, threshold, function, head);
  }

  /** The same decision at another threshold. */
  PairDecision withThreshold(double value) {
    checkThreshold(kind, function, value);
    return new PairDecision(kind, value, function, head);
  }

  /**
   * Rejects a threshold outside the range of the decision's score.
   *
   * @throws IllegalArgumentException naming the decision and its range
   */
  static void checkThreshold(DuplicateDecision kind, SimilarityFunction function, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("threshold must be a finite number, was " + value);
    }
    if (kind == DuplicateDecision.PAIR_HEAD && (value < 0 || value > 1)) {
      throw new IllegalArgumentException(
          "threshold " + value + " is outside [0, 1], the range of the pair head's probability");
    }
    if (kind == DuplicateDecision.SIMILARITY
        && function == SimilarityFunction.COSINE
        && (value < -1 || value > 1)) {
      throw new IllegalArgumentException(
          "threshold " + value + " is outside [-1, 1], the range of the cosine similarity");
    }
    if (kind == DuplicateDecision.SIMILARITY
        && function == SimilarityFunction.EUCLIDEAN
        && (value < 0 || value > 1)) {
      throw new IllegalArgumentException(
          "threshold "
              + value
              + " is outside [0, 1], the range of the euclidean similarity 1 / (1 + distance)");
    }
  }

  DuplicateDecision kind() {
    return kind;
  }

  double threshold() {
    return threshold;
  }

  /** The decision's score for two embeddings; symmetric. */
  double score(float[] u, float[] v) {
    return head != null ? head.probability(u, v) : function.compare(u, v);
  }

  /** The decision's score when the pair's similarity is already known. */
  double score(float[] u, float[] v, double similarity) {
    return head != null ? head.probability(u, v) : similarity;
  }

  boolean accepts(double score) {
    return score >= threshold;
  }
}
