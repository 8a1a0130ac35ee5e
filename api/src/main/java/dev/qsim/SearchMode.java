package dev.qsim;

/**
 * How {@link QuestionSimilarity#findDuplicates(java.util.List, DuplicateOptions)} finds the
 * candidate pairs it then verifies.
 *
 * <p>Thread-safe (an enum).
 */
public enum SearchMode {
  /**
   * {@link #EXACT} for lists of up to {@link DuplicateOptions#AUTO_EXACT_LIMIT} questions, {@link
   * #APPROXIMATE} above.
   */
  AUTO,
  /**
   * Every pair is compared (blocked matrix products, no N×N matrix in memory): time grows as N².
   */
  EXACT,
  /**
   * Questions are clustered and only pairs that share a cluster (each question is placed in its few
   * closest clusters) are compared, exactly: time grows about as N^1.5. Loses a small, measured
   * share of the pairs that {@link #EXACT} finds (see {@code docs/benchmarks.md}).
   */
  APPROXIMATE;

  /**
   * The search this mode makes for {@code questions} questions: {@link #AUTO} picks {@link #EXACT}
   * up to {@link DuplicateOptions#AUTO_EXACT_LIMIT} and {@link #APPROXIMATE} above; the others are
   * themselves.
   *
   * @param questions how many questions are searched
   * @return {@link #EXACT} or {@link #APPROXIMATE}
   */
  public SearchMode forSize(long questions) {
    if (this != AUTO) {
      return this;
    }
    return questions <= DuplicateOptions.AUTO_EXACT_LIMIT ? EXACT : APPROXIMATE;
  }
}
