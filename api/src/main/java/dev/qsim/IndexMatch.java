package dev.qsim;

import java.util.Objects;

/**
 * One question found in a {@link QuestionIndex}: the caller's id and text of the stored question,
 * its similarity to the query and, when it was verified, the model's duplicate decision.
 *
 * <p>{@link QuestionIndex#askedBefore} verifies each match whose similarity reaches the model's
 * {@link QuestionSimilarity#candidateThreshold() candidate threshold}: {@link #score()} is the
 * model's decision score (the pair head's probability, or the similarity for a model without one)
 * and {@link #duplicate()} says whether it reaches the model's duplicate threshold, exactly as
 * {@link QuestionSimilarity#isDuplicate(String, String)} decides. A match below the candidate
 * threshold, and every match of {@link QuestionIndex#nearest}, is not verified: its {@code score}
 * is {@code NaN} and {@code duplicate} is {@code false}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param id the id the question was added with
 * @param question the stored question's text
 * @param similarity the similarity of the stored question to the query, in the model's {@link
 *     SimilarityFunction}
 * @param score the duplicate decision's score, or {@code NaN} if the match was not verified
 * @param duplicate whether the model judges the two questions duplicates; {@code false} when not
 *     verified
 */
public record IndexMatch(
    String id, String question, double similarity, double score, boolean duplicate) {
  /**
   * Validates the components.
   *
   * @param id the id the question was added with
   * @param question the stored question's text
   * @param similarity the similarity of the stored question to the query, in the model's {@link
   *     SimilarityFunction}
   * @param score the duplicate decision's score, or {@code NaN} if the match was not verified
   * @param duplicate whether the model judges the two questions duplicates; {@code false} when not
   *     verified
   */
  public IndexMatch {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(question, "question");
    if (Double.isNaN(similarity)) {
      throw new IllegalArgumentException("similarity is NaN for id " + id);
    }
    if (duplicate && Double.isNaN(score)) {
      throw new IllegalArgumentException("an unverified match (score NaN) cannot be a duplicate");
    }
  }

  /**
   * Whether the model's duplicate decision was applied to this match.
   *
   * @return {@code true} if {@link #score()} holds a decision score
   */
  public boolean verified() {
    return !Double.isNaN(score);
  }
}
