package dev.qsim;

import java.util.Objects;

/**
 * One candidate returned by {@link QuestionSimilarity#mostSimilar}: its position in the candidate
 * list, its text, its similarity to the query and the duplicate decision on the pair.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param index the candidate's position in the list that was searched
 * @param question the candidate's text
 * @param similarity the embedding similarity to the query, in the model's {@link
 *     SimilarityFunction}; matches are ranked by it
 * @param score the duplicate decision's score for the pair (query, candidate)
 * @param duplicate whether the decision calls the pair duplicates ({@code score >= threshold})
 */
public record Match(
    int index, String question, double similarity, double score, boolean duplicate) {
  /**
   * Validates the components.
   *
   * @param index the candidate's position in the list that was searched
   * @param question the candidate's text
   * @param similarity the embedding similarity to the query, in the model's {@link
   *     SimilarityFunction}; matches are ranked by it
   * @param score the duplicate decision's score for the pair (query, candidate)
   * @param duplicate whether the decision calls the pair duplicates ({@code score >= threshold})
   */
  public Match {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
    Objects.requireNonNull(question, "question");
  }
}
