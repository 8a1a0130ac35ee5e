package dev.qsim.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The cascade's order rule: two questions with the same words in another order ("flights from Paris
 * to Rome" / "from Rome to Paris"). A pair head over two pooled vectors scores such a pair as a
 * sure duplicate whatever the order means, so its probability says nothing about it; the cascade
 * lets the verifier, which reads both questions in one sequence, decide these pairs wherever the
 * head's probability lies.
 *
 * <p>Words are maximal runs of letters and digits, compared without case; punctuation and spacing
 * are ignored. Stateless and thread-safe.
 */
final class WordOrder {
  private WordOrder() {}

  /**
   * Whether the two texts have the same words, each as often, in another order. Symmetric; false
   * for texts with the same words in the same order.
   *
   * @param a a question
   * @param b another question
   * @return whether {@code b} reorders the words of {@code a}
   */
  static boolean reordered(String a, String b) {
    if (wordCharacters(a) != wordCharacters(b)) {
      return false; // the common case, decided without splitting
    }
    List<String> x = words(a);
    List<String> y = words(b);
    if (x.size() != y.size() || x.size() < 2 || x.equals(y)) {
      return false;
    }
    String[] sx = x.toArray(String[]::new);
    String[] sy = y.toArray(String[]::new);
    Arrays.sort(sx);
    Arrays.sort(sy);
    return Arrays.equals(sx, sy);
  }

  private static int wordCharacters(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (Character.isLetterOrDigit(cp)) {
        n++;
      }
      i += Character.charCount(cp);
    }
    return n;
  }

  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= s.length(); ) {
      int cp = i < s.length() ? s.codePointAt(i) : ' ';
      boolean word = i < s.length() && Character.isLetterOrDigit(cp);
      if (word && start < 0) {
        start = i;
      } else if (!word && start >= 0) {
        out.add(s.substring(start, i).toLowerCase(Locale.ROOT));
        start = -1;
      }
      i += i < s.length() ? Character.charCount(cp) : 1;
    }
    return out;
  }
}
