package dev.qsim;

/**
 * A question argument the model cannot read ({@link Readability#UNREADABLE}): all or nearly all of
 * its words are unknown to the model's tokenizer (see {@link TextRules#isUnreadable(int, int)}).
 * Thrown where a blank question throws {@link IllegalArgumentException}, and like it names the
 * argument or index. Such a question is never embedded or scored: the model would read it as
 * unknown-token markers only, and call any two such questions duplicates.
 *
 * <p>Instances are immutable once thrown and may be shared between threads.
 */
public class UnreadableQuestionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The argument or index, for example {@code q1} or {@code questions[3]}. */
  private final String argument;

  /** How many of its words the tokenizer does not know. */
  private final int unknownWords;

  /** How many words it has. */
  private final int words;

  /**
   * Creates an exception naming the unreadable argument.
   *
   * @param argument the argument or index, for example {@code q1} or {@code questions[3]}
   * @param unknownWords how many of its words the tokenizer does not know
   * @param words how many words it has (punctuation not counted)
   */
  public UnreadableQuestionException(String argument, int unknownWords, int words) {
    super(
        argument
            + " is unreadable: "
            + unknownWords
            + " of its "
            + words
            + (words == 1 ? " word is" : " words are")
            + " unknown to the model's tokenizer (emoji or a script the model does not read);"
            + " a question needs more than "
            + Math.round(100 * (1 - TextRules.UNREADABLE_SHARE))
            + " % of its words readable");
    this.argument = argument;
    this.unknownWords = unknownWords;
    this.words = words;
  }

  /**
   * The same finding for an argument known by another name, for a caller that passed its own
   * argument on ({@code queries[2]} for what the model saw as {@code questions[2]}).
   *
   * @param argument the caller's name of the argument
   * @return a new exception naming {@code argument}, with this one as its cause
   */
  public UnreadableQuestionException withArgument(String argument) {
    UnreadableQuestionException renamed =
        new UnreadableQuestionException(argument, unknownWords, words);
    renamed.initCause(this);
    return renamed;
  }

  /**
   * The argument or index that holds the unreadable question.
   *
   * @return for example {@code q1} or {@code questions[3]}
   */
  public String argument() {
    return argument;
  }
}
