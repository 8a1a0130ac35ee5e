package dev.qsim.duplicates;

import dev.qsim.SimilarityFunction;
import java.util.Objects;

/**
 * The pre-filter of every blocked candidate search ({@code findDuplicates}, Spark's tiles, Spark's
 * matcher): a cell of a float32 matrix product below {@link #floor} cannot reach the candidate
 * threshold, so it is skipped with one comparison before the pair's exact similarity is computed
 * and compared with the threshold itself. The margin {@link #EPSILON} (relative, at least absolute)
 * covers the rounding of a float32 product of unit vectors against the exact double similarity, so
 * the pre-filter never drops a pair the exact comparison would keep.
 *
 * <p>Public for the sibling modules; not part of qsim's API. Stateless and thread-safe.
 */
public final class CandidateCutoff {
  /** The margin below the threshold, relative to {@code max(1, |threshold|)}. */
  public static final float EPSILON = 1e-5f;

  private CandidateCutoff() {}

  /**
   * The smallest float32 product value that can still reach {@code threshold}: for {@link
   * SimilarityFunction#COSINE} (products of unit vectors) and {@link
   * SimilarityFunction#DOT_PRODUCT} the product is the similarity, so the floor is the threshold
   * less the margin; for {@link SimilarityFunction#EUCLIDEAN} the product alone says nothing, so
   * nothing is skipped.
   *
   * @param function the similarity function of the vectors
   * @param threshold the candidate threshold, finite
   * @return the floor; {@link Float#NEGATIVE_INFINITY} for Euclidean
   * @throws IllegalArgumentException if {@code threshold} is not finite
   */
  public static float floor(SimilarityFunction function, double threshold) {
    Objects.requireNonNull(function, "function");
    if (!Double.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be finite, was " + threshold);
    }
    if (function == SimilarityFunction.EUCLIDEAN) {
      return Float.NEGATIVE_INFINITY;
    }
    float t = (float) threshold;
    return t - EPSILON * Math.max(1f, Math.abs(t));
  }
}
