package dev.qsim;

import java.util.OptionalDouble;

/**
 * How {@link QuestionSimilarity#findDuplicates(java.util.List, DuplicateOptions)} searches. Start
 * from {@link #defaults()} and change what you need with the {@code with*} methods.
 *
 * <p>A pair {@code (i, j)} is kept when its similarity reaches the threshold and {@code j} is among
 * the {@code topKPerQuestion} most similar questions of {@code i}, or {@code i} among those of
 * {@code j}. At most {@code maxPairs} of the kept pairs, the highest-scoring, are returned.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param threshold the similarity a pair must reach; empty means the model's calibrated {@link
 *     QuestionSimilarity#similarityThreshold()}
 * @param topKPerQuestion how many duplicates to keep per question, at least 1
 * @param maxPairs the most pairs to return, at least 1
 */
public record DuplicateOptions(OptionalDouble threshold, int topKPerQuestion, int maxPairs) {
  /** Default number of duplicates kept per question. */
  public static final int DEFAULT_TOP_K = 10;

  /** Default cap on the number of pairs returned. */
  public static final int DEFAULT_MAX_PAIRS = 1_000_000;

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException naming the component that is out of range
   */
  public DuplicateOptions {
    if (threshold == null) {
      throw new NullPointerException("threshold");
    }
    if (threshold.isPresent() && !Double.isFinite(threshold.getAsDouble())) {
      throw new IllegalArgumentException(
          "threshold must be finite, was " + threshold.getAsDouble());
    }
    if (topKPerQuestion < 1) {
      throw new IllegalArgumentException("topKPerQuestion must be >= 1, was " + topKPerQuestion);
    }
    if (maxPairs < 1) {
      throw new IllegalArgumentException("maxPairs must be >= 1, was " + maxPairs);
    }
  }

  /**
   * The model's calibrated threshold, {@value #DEFAULT_TOP_K} duplicates per question, at most
   * {@value #DEFAULT_MAX_PAIRS} pairs.
   *
   * @return the default options
   */
  public static DuplicateOptions defaults() {
    return new DuplicateOptions(OptionalDouble.empty(), DEFAULT_TOP_K, DEFAULT_MAX_PAIRS);
  }

  /**
   * Returns a copy with an explicit similarity threshold.
   *
   * @param value the similarity a pair must reach
   * @return the changed options
   */
  public DuplicateOptions withThreshold(double value) {
    return new DuplicateOptions(OptionalDouble.of(value), topKPerQuestion, maxPairs);
  }

  /**
   * Returns a copy that keeps at most {@code k} duplicates per question.
   *
   * @param k at least 1
   * @return the changed options
   */
  public DuplicateOptions withTopKPerQuestion(int k) {
    return new DuplicateOptions(threshold, k, maxPairs);
  }

  /**
   * Returns a copy that returns at most {@code max} pairs.
   *
   * @param max at least 1
   * @return the changed options
   */
  public DuplicateOptions withMaxPairs(int max) {
    return new DuplicateOptions(threshold, topKPerQuestion, max);
  }
}
