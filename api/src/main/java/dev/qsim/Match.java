package dev.qsim;

import java.util.Objects;

/**
 * One candidate returned by {@link QuestionSimilarity#mostSimilar}: its position in the candidate
 * list, its text and its similarity to the query.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param index the candidate's position in the list that was searched
 * @param question the candidate's text
 * @param score the similarity to the query, in the model's {@link SimilarityFunction}
 */
public record Match(int index, String question, double score) {
  /** Validates the components. */
  public Match {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
    Objects.requireNonNull(question, "question");
  }
}
