package dev.qsim;

/**
 * Two questions of a list found to be duplicates, by their positions in that list ({@code first <
 * second}) and their similarity.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param first the smaller index of the two questions
 * @param second the larger index of the two questions
 * @param score their similarity, in the model's {@link SimilarityFunction}
 */
public record DuplicatePair(int first, int second, double score) {
  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException unless {@code 0 <= first < second}
   */
  public DuplicatePair {
    if (first < 0 || second <= first) {
      throw new IllegalArgumentException(
          "A duplicate pair needs 0 <= first < second, was first=" + first + ", second=" + second);
    }
  }
}
