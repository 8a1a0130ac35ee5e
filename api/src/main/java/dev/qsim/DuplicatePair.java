package dev.qsim;

/**
 * Two questions of a list found to be duplicates, by their positions in that list ({@code first <
 * second}), their embedding similarity and the score of the duplicate decision.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param first the smaller index of the two questions
 * @param second the larger index of the two questions
 * @param similarity their embedding similarity, in the model's {@link SimilarityFunction}
 * @param score the decision's score (see {@link DuplicateDecision}): the pair head's probability,
 *     or the similarity again when the similarity decides
 */
public record DuplicatePair(int first, int second, double similarity, double score) {
  /**
   * Validates the components.
   *
   * @param first the smaller index of the two questions
   * @param second the larger index of the two questions
   * @param similarity their embedding similarity, in the model's {@link SimilarityFunction}
   * @param score the decision's score (see {@link DuplicateDecision}): the pair head's probability,
   *     or the similarity again when the similarity decides
   * @throws IllegalArgumentException unless {@code 0 <= first < second}
   */
  public DuplicatePair {
    if (first < 0 || second <= first) {
      throw new IllegalArgumentException(
          "A duplicate pair needs 0 <= first < second, was first=" + first + ", second=" + second);
    }
  }

  /**
   * The pair's other question.
   *
   * @param index one of the pair's two indices
   * @return the other index
   * @throws IllegalArgumentException if {@code index} is not in the pair
   */
  public int other(int index) {
    if (index == first) {
      return second;
    }
    if (index == second) {
      return first;
    }
    throw new IllegalArgumentException(index + " is not in " + this);
  }
}
