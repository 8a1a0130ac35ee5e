package dev.qsim.onnx;

import ai.djl.huggingface.tokenizers.Encoding;

/**
 * The words of a tokenised text, counted for the unreadable rule ({@link
 * dev.qsim.TextRules#isUnreadable(int, int)}).
 *
 * <p>Stateless; thread-safe.
 */
final class WordCounts {
  private WordCounts() {}

  /**
   * A tokenised text's words, for the unreadable rule: {@code [unknown, read]}. Words are the
   * tokenizer's word ids over its non-special tokens (a token without a word id is a word of its
   * own); a word is unknown if one of its tokens is {@code unknownToken}, read if it is known and
   * has a letter or digit; known words of punctuation and symbols alone count in neither.
   */
  static int[] of(Encoding encoding, String unknownToken) {
    int[] counts = new int[2];
    if (unknownToken == null) {
      return counts;
    }
    String[] tokens = encoding.getTokens();
    long[] special = encoding.getSpecialTokenMask();
    long[] wordIds = encoding.getWordIds();
    int t = 0;
    while (t < tokens.length) {
      if (special[t] != 0) {
        t++;
        continue;
      }
      long word = wordIds[t];
      boolean unknown = false;
      boolean letters = false;
      int end = t;
      do {
        unknown |= tokens[end].equals(unknownToken);
        letters |= tokens[end].codePoints().anyMatch(Character::isLetterOrDigit);
        end++;
      } while (word >= 0 && end < tokens.length && special[end] == 0 && wordIds[end] == word);
      if (unknown) {
        counts[0]++;
      } else if (letters) {
        counts[1]++;
      }
      t = end;
    }
    return counts;
  }
}
