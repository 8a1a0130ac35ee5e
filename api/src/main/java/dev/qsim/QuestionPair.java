package dev.qsim;

import java.util.Objects;

/**
 * Two questions to compare.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param first the first question
 * @param second the second question
 */
public record QuestionPair(String first, String second) {
  /**
   * Creates a pair.
   *
   * @param first the first question
   * @param second the second question
   * @throws NullPointerException naming {@code first} or {@code second} if either is null
   */
  public QuestionPair {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
  }

  /**
   * Shorthand for {@code new QuestionPair(first, second)}.
   *
   * @param first the first question
   * @param second the second question
   * @return the pair
   */
  public static QuestionPair of(String first, String second) {
    return new QuestionPair(first, second);
  }
}
