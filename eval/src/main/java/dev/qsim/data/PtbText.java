package dev.qsim.data;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Restores plain text from Penn Treebank tokens, as in the BiMPM Quora partition ({@code How do I
 * get a job -LRB- in IT -RRB- ?}, {@code Why do n't I ...}, {@code `` quoted ''}). The questions
 * qsim is trained on and that users send are plain text; a PTB-tokenised question spells the same
 * text with other word pieces ({@code -LRB-} is four of them, {@code do n't} splits the verb), so
 * {@link PairReader} restores it for {@link PairFormat#BIMPM}. Plain text passes through unchanged,
 * apart from a blank before closing punctuation, which no tokenizer sees.
 *
 * <p>Stateless and thread-safe.
 */
final class PtbText {
  private static final String[][] BRACKETS = {
    {"-LRB-", "("}, {"-RRB-", ")"}, {"-LSB-", "["}, {"-RSB-", "]"}, {"-LCB-", "{"}, {"-RCB-", "}"}
  };

  /**
   * {@code do n't} → {@code don't}, {@code ca n't} → {@code can't}, {@code wo n't} → {@code won't}.
   */
  private static final Pattern NOT = Pattern.compile("(?<=\\w) (n't)\\b", Pattern.CASE_INSENSITIVE);

  /** {@code John 's} → {@code John's}, and {@code 're 'm 've 'll 'd}. */
  private static final Pattern CLITIC =
      Pattern.compile("(?<=\\w) ('(?:s|re|m|ve|ll|d))\\b", Pattern.CASE_INSENSITIVE);

  /** A blank before closing punctuation that ends a word: {@code job ?} → {@code job?}. */
  private static final Pattern BEFORE_CLOSING = Pattern.compile(" +([?!.,;:%)\\]}]+)(?=\\s|$)");

  /** A blank after an opening bracket: {@code ( in} → {@code (in}. */
  private static final Pattern AFTER_OPENING = Pattern.compile("([(\\[{]) +");

  private PtbText() {}

  /** The plain text that the PTB-tokenised {@code text} stands for. */
  static String restore(String text) {
    String s = text;
    if (s.indexOf('-') >= 0) {
      for (String[] bracket : BRACKETS) {
        s = s.replace(bracket[0], bracket[1]);
      }
    }
    if (s.contains("``") || s.contains("''")) {
      s = s.replace("``", "\"").replace("''", "\"");
    }
    if (s.indexOf('\'') >= 0) {
      s = replace(NOT, s);
      s = replace(CLITIC, s);
    }
    s = replace(BEFORE_CLOSING, s);
    return replace(AFTER_OPENING, s);
  }

  private static String replace(Pattern pattern, String s) {
    Matcher m = pattern.matcher(s);
    return m.find() ? m.replaceAll("$1") : s;
  }
}
