package dev.qsim;

/**
 * qsim's one set of text rules: what a blank question is ({@link #isBlankQuestion(CharSequence)}),
 * how a question is stripped ({@link #stripInvisible(String)}), when it is unreadable ({@link
 * #isUnreadable(int, int)}) and how a question argument is checked ({@link #checkQuestion(String,
 * String)}). The API's argument checks, the command line's question files, the exact-repeat check
 * of {@code findDuplicates}, a question index and the Spark jobs all call these and nothing else.
 *
 * <p>Stateless; thread-safe.
 */
public final class TextRules {
  private TextRules() {}

  /**
   * The share of a question's words that, when unknown to the model's tokenizer, makes it
   * unreadable: {@value}. Three unknown words out of four leave the model one word to go on, too
   * little to tell two questions apart, so nearly-all-unknown is treated like all-unknown. A
   * question with readable words beside a few unknown ones stays readable: {@code "Is 🍕 better
   * than 🍔?"} (2 of 5 words unknown) is embedded from what the model reads, {@code "is [UNK]
   * better than [UNK] ?"}, so it equals every other question that differs from it only in unknown
   * words.
   */
  public static final double UNREADABLE_SHARE = 0.75;

  /**
   * The unreadable rule over a question's tokenised words: whether at least {@link
   * #UNREADABLE_SHARE} of them are unknown. A word is what the tokenizer's pre-tokenizer splits
   * (white space and punctuation); it is unknown if any of its tokens is the tokenizer's unknown
   * token ({@code [UNK]}); words of punctuation or symbols alone that the tokenizer knows ({@code
   * ?}, {@code $}) are counted in neither argument, and special tokens ({@code [CLS]}) never. A
   * question with no counted word at all ({@code "???"}) is readable.
   *
   * @param unknownWords words with an unknown token
   * @param readWords words the tokenizer knows, each with at least one letter or digit
   * @return {@code true} if the question is unreadable
   * @throws IllegalArgumentException if a count is negative
   */
  public static boolean isUnreadable(int unknownWords, int readWords) {
    if (unknownWords < 0 || readWords < 0) {
      throw new IllegalArgumentException(
          "word counts must be >= 0, were " + unknownWords + " and " + readWords);
    }
    return unknownWords > 0 && unknownWords >= UNREADABLE_SHARE * (unknownWords + readWords);
  }

  /**
   * Checks one question argument the way every method of {@link QuestionSimilarity} does.
   *
   * @param question the value to check
   * @param name the argument's name, for the message
   * @return {@code question}
   * @throws NullPointerException naming the argument if it is null
   * @throws IllegalArgumentException naming the argument if it is blank
   */
  public static String checkQuestion(String question, String name) {
    if (question == null) {
      throw new NullPointerException(name);
    }
    if (isBlankQuestion(question)) {
      throw new IllegalArgumentException(
          name + " is blank: a question needs at least one visible character");
    }
    return question;
  }

  /**
   * Whether a text has no visible character, so that it is no question at all: the one rule behind
   * every blank check of qsim (the API's arguments, the command line's question files).
   *
   * <p>Invisible are: white space and every Unicode space separator ({@code U+00A0} no-break space
   * included), line and paragraph separators, control characters ({@code Cc}, e.g. {@code U+0001}),
   * format characters ({@code Cf}: zero-width space {@code U+200B}, joiners, bidirectional marks,
   * soft hyphen, byte-order mark {@code U+FEFF}), unpaired surrogates, variation selectors, and the
   * filler characters that render as blanks ({@code U+115F}, {@code U+1160}, {@code U+3164}, {@code
   * U+FFA0}, {@code U+2800}, {@code U+034F}, {@code U+17B4}, {@code U+17B5}, {@code U+180B}–{@code
   * U+180F}). Everything else, unassigned and private-use code points included, counts as visible.
   *
   * <p>Fast for ordinary text: it stops at the first visible character.
   *
   * @param text the text; not null
   * @return {@code true} if {@code text} is empty or every code point in it is invisible
   */
  public static boolean isBlankQuestion(CharSequence text) {
    int n = text.length();
    for (int i = 0; i < n; ) {
      int cp = Character.codePointAt(text, i);
      if (!isInvisible(cp)) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  /**
   * The text without the invisible characters ({@link #isBlankQuestion(CharSequence) the blank
   * rule}) at its start and end: how the command line's question files, the exact-repeat check of
   * {@code findDuplicates} and the question index strip a question.
   *
   * @param text the text; not null
   * @return {@code text} without leading and trailing invisible characters (empty if it is blank)
   */
  public static String stripInvisible(String text) {
    int start = 0;
    int end = text.length();
    while (start < end) {
      int cp = text.codePointAt(start);
      if (!isInvisible(cp)) {
        break;
      }
      start += Character.charCount(cp);
    }
    while (end > start) {
      int cp = text.codePointBefore(end);
      if (!isInvisible(cp)) {
        break;
      }
      end -= Character.charCount(cp);
    }
    return text.substring(start, end);
  }

  /**
   * Whether one code point is invisible by {@link #isBlankQuestion(CharSequence) the blank rule}.
   *
   * @param codePoint a Unicode code point
   * @return {@code true} if it shows nothing
   */
  public static boolean isInvisibleCodePoint(int codePoint) {
    return isInvisible(codePoint);
  }

  private static boolean isInvisible(int cp) {
    if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
      return true;
    }
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.SURROGATE:
        return true;
      default:
        break;
    }
    return cp == 0x034F
        || cp == 0x115F
        || cp == 0x1160
        || cp == 0x17B4
        || cp == 0x17B5
        || (cp >= 0x180B && cp <= 0x180F)
        || cp == 0x2800
        || cp == 0x3164
        || (cp >= 0xFE00 && cp <= 0xFE0F)
        || cp == 0xFFA0
        || (cp >= 0xE0100 && cp <= 0xE01EF);
  }
}
