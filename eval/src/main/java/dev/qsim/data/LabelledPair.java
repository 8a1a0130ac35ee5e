package dev.qsim.data;

import dev.qsim.QuestionPair;
import java.util.Objects;

/**
 * Two questions (or sentences) with a human label saying how alike they are, and where the row came
 * from.
 *
 * <p>For binary data ({@link PairFormat#QUORA}, {@link PairFormat#BIMPM}, {@link PairFormat#MSRP})
 * the label is {@code 1} for a duplicate (paraphrase) and {@code 0} otherwise; for {@link
 * PairFormat#STSB} it is the graded similarity score from {@code 0} to {@code 5}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param first the first question
 * @param second the second question
 * @param label the label: 0/1 for binary data, 0–5 for graded data; always finite
 * @param source the file (or other source) the row was read from
 * @param line the 1-based physical line on which the row starts in {@code source}, or {@code 0}
 *     when the pair does not come from a file
 */
public record LabelledPair(String first, String second, double label, String source, long line) {
  /**
   * Validates the components.
   *
   * @param first the first question
   * @param second the second question
   * @param label the label: 0/1 for binary data, 0–5 for graded data; always finite
   * @param source the file (or other source) the row was read from
   * @param line the 1-based physical line on which the row starts in {@code source}, or {@code 0}
   *     when the pair does not come from a file
   * @throws NullPointerException naming the component that is null
   * @throws IllegalArgumentException if the label is not finite or the line is negative
   */
  public LabelledPair {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    Objects.requireNonNull(source, "source");
    if (!Double.isFinite(label)) {
      throw new IllegalArgumentException("label must be finite, was " + label);
    }
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0, was " + line);
    }
  }

  /**
   * A pair that does not come from a file ({@code source} is {@code "<memory>"}, {@code line} 0).
   *
   * @param first the first question
   * @param second the second question
   * @param label the label
   * @return the pair
   */
  public static LabelledPair of(String first, String second, double label) {
    return new LabelledPair(first, second, label, "<memory>", 0);
  }

  /**
   * The two questions without the label, ready for {@link
   * dev.qsim.QuestionSimilarity#similarities(java.util.List)}.
   *
   * @return the question pair
   */
  public QuestionPair questions() {
    return new QuestionPair(first, second);
  }

  /**
   * Whether a binary label marks a duplicate: {@code label() >= 0.5}.
   *
   * @return {@code true} for label 1 in binary data
   */
  public boolean isDuplicate() {
    return label >= 0.5;
  }

  /**
   * Where the row came from, as {@code source:line}.
   *
   * @return the location, for messages
   */
  public String location() {
    return source + ":" + line;
  }
}
