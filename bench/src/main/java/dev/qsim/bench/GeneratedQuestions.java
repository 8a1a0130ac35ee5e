package dev.qsim.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Questions made from real ones, for corpora larger than the shared data (about 87,500 distinct
 * texts): each joins the start of one real text to the end of another at a word they share ("What
 * is the best way to learn | to cook rice?"), the pivot word chosen at random among the shared
 * words that are neither the first word of the first text nor its last. Deterministic for a given
 * list of real texts and seed; every generated text differs from all real texts and from every
 * other generated text.
 *
 * <p>Stateless and thread-safe.
 */
final class GeneratedQuestions {
  /** The seed every benchmark uses. */
  static final long SEED = 20_260_601L;

  private GeneratedQuestions() {}

  /**
   * {@code count} generated texts from {@code real}.
   *
   * @throws IllegalArgumentException if {@code real} has fewer than two texts
   */
  static List<String> generate(List<String> real, int count, long seed) {
    if (real.size() < 2) {
      throw new IllegalArgumentException("Need at least two real texts, got " + real.size());
    }
    Random rnd = new Random(seed);
    Set<String> seen = new HashSet<>(real);
    List<String> texts = new ArrayList<>(count);
    String[][] words = new String[real.size()][];
    List<Integer> pivots = new ArrayList<>();
    while (texts.size() < count) {
      int a = rnd.nextInt(real.size());
      int b = rnd.nextInt(real.size());
      if (a == b) {
        continue;
      }
      String[] wa = words(words, real, a);
      String[] wb = words(words, real, b);
      pivots.clear();
      for (int i = 1; i < wa.length - 1; i++) {
        for (int j = 1; j < wb.length; j++) {
          if (wa[i].equalsIgnoreCase(wb[j])) {
            pivots.add(i * 1024 + j);
            break;
          }
        }
      }
      if (pivots.isEmpty()) {
        continue;
      }
      int pick = pivots.get(rnd.nextInt(pivots.size()));
      int i = pick / 1024;
      int j = pick % 1024;
      int length = i + (wb.length - j);
      if (length < 4 || length > 60) {
        continue;
      }
      StringBuilder text = new StringBuilder();
      for (int k = 0; k < i; k++) {
        text.append(wa[k]).append(' ');
      }
      for (int k = j; k < wb.length; k++) {
        text.append(wb[k]).append(k == wb.length - 1 ? "" : " ");
      }
      String t = text.toString();
      if (seen.add(t)) {
        texts.add(t);
      }
    }
    return List.copyOf(texts);
  }

  private static String[] words(String[][] cache, List<String> real, int i) {
    if (cache[i] == null) {
      String[] w = real.get(i).trim().split("\\s+");
      cache[i] = w.length > 1000 ? new String[0] : w;
    }
    return cache[i];
  }

  /** For reports: how the generated texts were made. */
  static String describe(int count) {
    return String.format(
        Locale.ROOT,
        "%,d generated texts, each the start of one real text joined to the end of another at a"
            + " shared word (seed %d)",
        count,
        SEED);
  }
}
