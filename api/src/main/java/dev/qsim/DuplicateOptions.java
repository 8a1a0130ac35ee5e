package dev.qsim;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How {@link QuestionSimilarity#findDuplicates(java.util.List, DuplicateOptions)} searches and
 * decides. Start from {@link #defaults()} and change what you need with the {@code with*} methods.
 *
 * <p>The search has two stages. <b>Candidates</b>: pairs whose embedding similarity reaches the
 * recall-oriented {@link QuestionSimilarity#candidateThreshold() candidate threshold}, at most
 * {@code topKPerQuestion} per question, found by the {@link SearchMode}. <b>Verification</b>: each
 * candidate is scored by the {@link DuplicateDecision} and kept when the score reaches the
 * decision's threshold — the same rule as {@link QuestionSimilarity#isDuplicate(String, String)}.
 * By default every verified pair is returned and grouped (there are never more than the candidates,
 * at most {@code topKPerQuestion} per question); with {@link #withMaxPairs(int)} only the
 * highest-scoring ones, and {@link Duplicates} says how many were dropped.
 *
 * <p>Questions that are the same text after stripping invisible characters at both ends and
 * collapsing runs of invisible characters inside ({@link TextRules#isBlankQuestion the blank rule})
 * are embedded once and always land in one group: each repeat is a duplicate of its first
 * occurrence with similarity 1 and the decision's score of the text with itself.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param threshold the decision score a pair must reach; empty means the model's calibrated
 *     threshold for {@code decision} (for {@link DuplicateDecision#AUTO}, {@link
 *     QuestionSimilarity#duplicateThreshold()})
 * @param candidateThreshold the similarity a candidate pair must reach; empty means the model's
 *     {@link QuestionSimilarity#candidateThreshold()} (or, with an explicit {@code threshold} under
 *     the {@link DuplicateDecision#SIMILARITY} decision, that threshold)
 * @param decision which score decides
 * @param search how candidates are found
 * @param topKPerQuestion how many candidates to keep per question, from 1 to {@value #MAX_TOP_K}; a
 *     value above the number of questions less one is the same as that number
 * @param maxPairs the most verified pairs to return, at least 1; {@value #DEFAULT_MAX_PAIRS} (the
 *     default) means no cap
 */
public record DuplicateOptions(
    OptionalDouble threshold,
    OptionalDouble candidateThreshold,
    DuplicateDecision decision,
    SearchMode search,
    int topKPerQuestion,
    int maxPairs) {
  /** Default number of candidates kept per question. */
  public static final int DEFAULT_TOP_K = 10;

  /**
   * The largest {@code topKPerQuestion}: the search holds {@code topKPerQuestion} candidates per
   * question (12 bytes each), and a question's duplicates beyond its best few join its group
   * through the grouping's complete-link check anyway.
   */
  public static final int MAX_TOP_K = 1_000;

  /**
   * Default cap on the number of pairs returned: {@link Integer#MAX_VALUE}, no cap. The verified
   * pairs are never more than the candidates, at most {@code topKPerQuestion} per question.
   */
  public static final int DEFAULT_MAX_PAIRS = Integer.MAX_VALUE;

  /** The largest list that {@link SearchMode#AUTO} searches exactly. */
  public static final int AUTO_EXACT_LIMIT = 50_000;

  /**
   * Validates the components.
   *
   * @param threshold the decision score a pair must reach; empty means the model's calibrated
   *     threshold for {@code decision} (for {@link DuplicateDecision#AUTO}, {@link
   *     QuestionSimilarity#duplicateThreshold()})
   * @param candidateThreshold the similarity a candidate pair must reach; empty means the model's
   *     {@link QuestionSimilarity#candidateThreshold()} (or, with an explicit {@code threshold}
   *     under the {@link DuplicateDecision#SIMILARITY} decision, that threshold)
   * @param decision which score decides
   * @param search how candidates are found
   * @param topKPerQuestion how many candidates to keep per question, from 1 to {@value #MAX_TOP_K};
   *     a value above the number of questions less one is the same as that number
   * @param maxPairs the most verified pairs to return, at least 1; {@value #DEFAULT_MAX_PAIRS} (the
   *     default) means no cap
   * @throws IllegalArgumentException naming the component that is out of range
   */
  public DuplicateOptions {
    Objects.requireNonNull(threshold, "threshold");
    Objects.requireNonNull(candidateThreshold, "candidateThreshold");
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(search, "search");
    if (threshold.isPresent() && !Double.isFinite(threshold.getAsDouble())) {
      throw new IllegalArgumentException(
          "threshold must be finite, was " + threshold.getAsDouble());
    }
    if (candidateThreshold.isPresent() && !Double.isFinite(candidateThreshold.getAsDouble())) {
      throw new IllegalArgumentException(
          "candidateThreshold must be finite, was " + candidateThreshold.getAsDouble());
    }
    if (topKPerQuestion < 1) {
      throw new IllegalArgumentException("topKPerQuestion must be >= 1, was " + topKPerQuestion);
    }
    if (topKPerQuestion > MAX_TOP_K) {
      throw new IllegalArgumentException(
          "topKPerQuestion must be at most " + MAX_TOP_K + ", was " + topKPerQuestion);
    }
    if (maxPairs < 1) {
      throw new IllegalArgumentException("maxPairs must be >= 1, was " + maxPairs);
    }
  }

  /**
   * The model's own decision at its calibrated thresholds, search chosen by size, {@value
   * #DEFAULT_TOP_K} candidates per question, every verified pair kept.
   *
   * @return the default options
   */
  public static DuplicateOptions defaults() {
    return new DuplicateOptions(
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        DuplicateDecision.AUTO,
        SearchMode.AUTO,
        DEFAULT_TOP_K,
        DEFAULT_MAX_PAIRS);
  }

  /**
   * Returns a copy with an explicit decision threshold, in the range of the decision's score (a
   * probability in [0, 1] for the pair head, the similarity function's range for the similarity).
   *
   * @param value the decision score a pair must reach
   * @return the changed options
   */
  public DuplicateOptions withThreshold(double value) {
    return new DuplicateOptions(
        OptionalDouble.of(value), candidateThreshold, decision, search, topKPerQuestion, maxPairs);
  }

  /**
   * Returns a copy with an explicit candidate threshold on the similarity.
   *
   * @param value the similarity a candidate pair must reach
   * @return the changed options
   */
  public DuplicateOptions withCandidateThreshold(double value) {
    return new DuplicateOptions(
        threshold, OptionalDouble.of(value), decision, search, topKPerQuestion, maxPairs);
  }

  /**
   * Returns a copy that decides with {@code value}.
   *
   * @param value the decision
   * @return the changed options
   */
  public DuplicateOptions withDecision(DuplicateDecision value) {
    return new DuplicateOptions(
        threshold, candidateThreshold, value, search, topKPerQuestion, maxPairs);
  }

  /**
   * Returns a copy that finds candidates with {@code value}.
   *
   * @param value the search
   * @return the changed options
   */
  public DuplicateOptions withSearch(SearchMode value) {
    return new DuplicateOptions(
        threshold, candidateThreshold, decision, value, topKPerQuestion, maxPairs);
  }

  /**
   * Returns a copy that keeps at most {@code k} candidates per question.
   *
   * @param k from 1 to {@value #MAX_TOP_K}
   * @return the changed options
   */
  public DuplicateOptions withTopKPerQuestion(int k) {
    return new DuplicateOptions(threshold, candidateThreshold, decision, search, k, maxPairs);
  }

  /**
   * Returns a copy that returns at most {@code max} pairs, the highest-scoring.
   *
   * @param max at least 1; {@link Integer#MAX_VALUE} for no cap
   * @return the changed options
   */
  public DuplicateOptions withMaxPairs(int max) {
    return new DuplicateOptions(
        threshold, candidateThreshold, decision, search, topKPerQuestion, max);
  }
}
