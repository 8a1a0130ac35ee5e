package dev.qsim;

/**
 * What qsim's text rules make of a question: one the model can read, a blank one, or one it cannot
 * read. See {@link QuestionSimilarity#readability(java.util.List)}.
 *
 * <p>Enum constants are immutable and thread-safe.
 */
public enum Readability {
  /** A question the model can read: it is embedded and compared. */
  READABLE,
  /** No visible character ({@link TextRules#isBlankQuestion(CharSequence)}): no question at all. */
  BLANK,
  /**
   * Visible text whose words are all, or nearly all, unknown to the model's tokenizer ({@link
   * TextRules#isUnreadable(int, int)}): emoji, or a script the model was not trained on. The model
   * would see only unknown-token markers, so two such questions would look identical.
   */
  UNREADABLE
}
