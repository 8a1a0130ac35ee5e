package dev.qsim.onnx;

import dev.qsim.DuplicateDecision;
import dev.qsim.SimilarityFunction;
import java.util.List;

/**
 * The one duplicate decision of a loaded model: which score (cross-encoder verifier, pair head or
 * similarity) and which threshold. {@code isDuplicate}, {@code duplicateScores}, {@code
 * findDuplicates}, {@code mostSimilar} and the question index all score pairs through an instance
 * of this class, so they cannot disagree.
 *
 * <p>The embedding decisions score two vectors ({@link #score(float[], float[])}); the verifier
 * reads the two texts ({@link #scores(List, List, float[][], float[][])}, {@link #readsTexts()}). A
 * verifier's probability is its value for the pair scored alone: a batched score within {@link
 * PairVerifier#BORDER} of the threshold is recomputed alone, so the decision for a pair never
 * depends on the other pairs of a call.
 *
 * <p>Immutable and thread-safe (the verifier is thread-safe).
 */
final class PairDecision {
  private final DuplicateDecision kind;
  private final double threshold;
  private final SimilarityFunction function;
  private final PairHead head;
  private final CrossEncoderVerifier verifier;

  private PairDecision(
      DuplicateDecision kind,
      double threshold,
      SimilarityFunction function,
      PairHead head,
      CrossEncoderVerifier verifier) {
    this.kind = kind;
    this.threshold = threshold;
    this.function = function;
    this.head = head;
    this.verifier = verifier;
  }

  /** The similarity decision at {@code threshold}. */
  static PairDecision similarity(SimilarityFunction function, double threshold) {
    checkThreshold(DuplicateDecision.SIMILARITY, function, threshold);
    return new PairDecision(DuplicateDecision.SIMILARITY, threshold, function, null, null);
  }

  /** The pair head's decision at {@code threshold}. */
  static PairDecision pairHead(PairHead head, SimilarityFunction function, double threshold) {
    checkThreshold(DuplicateDecision.PAIR_HEAD, function, threshold);
    return new PairDecision(DuplicateDecision.PAIR_HEAD, threshold, function, head, null);
  }

  /** The cross-encoder verifier's decision at {@code threshold}. */
  static PairDecision verifier(
      CrossEncoderVerifier verifier, SimilarityFunction function, double threshold) {
    checkThreshold(DuplicateDecision.VERIFIER, function, threshold);
    return new PairDecision(DuplicateDecision.VERIFIER, threshold, function, null, verifier);
  }

  /** The same decision at another threshold. */
  PairDecision withThreshold(double value) {
    checkThreshold(kind, function, value);
    return new PairDecision(kind, value, function, head, verifier);
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
    if (kind == DuplicateDecision.VERIFIER && (value < 0 || value > 1)) {
      throw new IllegalArgumentException(
          "threshold " + value + " is outside [0, 1], the range of the verifier's probability");
    }
    if (kind == DuplicateDecision.SIMILARITY && !function.inRange(value)) {
      throw new IllegalArgumentException(
          "threshold "
              + value
              + " is outside "
              + function.range()
              + ", the range of the "
              + function.id()
              + " similarity");
    }
  }

  DuplicateDecision kind() {
    return kind;
  }

  double threshold() {
    return threshold;
  }

  /** The pair head this decision scores with, or {@code null} for the similarity decision. */
  PairHead head() {
    return head;
  }

  /** Whether the decision reads the questions' texts (a verifier) rather than their embeddings. */
  boolean readsTexts() {
    return verifier != null;
  }

  /** The decision's score for two embeddings; symmetric. Not for a verifier. */
  double score(float[] u, float[] v) {
    requireEmbeddingDecision();
    return head != null ? head.probability(u, v) : function.compare(u, v);
  }

  /** The decision's score when the pair's similarity is already known. Not for a verifier. */
  double score(float[] u, float[] v, double similarity) {
    requireEmbeddingDecision();
    return head != null ? head.probability(u, v) : similarity;
  }

  /**
   * The decision's scores of pairs: the verifier's probabilities of the texts, or the embedding
   * decision's scores of the vectors; symmetric.
   *
   * @param first the first question of each pair (may be {@code null} unless {@link #readsTexts})
   * @param second the second question of each pair (idem)
   * @param u the first question's embedding of each pair (may be {@code null} if {@link
   *     #readsTexts})
   * @param v the second question's embedding of each pair (idem)
   */
  double[] scores(List<String> first, List<String> second, float[][] u, float[][] v) {
    if (verifier == null) {
      double[] out = new double[u.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = score(u[i], v[i]);
      }
      return out;
    }
    double[] p = verifier.probabilities(first, second);
    if (p.length > 1) {
      for (int i = 0; i < p.length; i++) {
        if (Math.abs(p[i] - threshold) < PairVerifier.BORDER) {
          p[i] = score(first.get(i), second.get(i));
        }
      }
    }
    return p;
  }

  /** The verifier's probability of one pair of texts, scored alone. */
  double score(String first, String second) {
    return verifier.probabilities(List.of(first), List.of(second))[0];
  }

  private void requireEmbeddingDecision() {
    if (verifier != null) {
      throw new IllegalStateException("the verifier decision scores texts, not embeddings");
    }
  }

  boolean accepts(double score) {
    return score >= threshold;
  }
}
