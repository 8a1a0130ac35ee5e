package dev.qsim.duplicates;

import dev.qsim.TextRules;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The exact repeats of a list of questions: questions that are the same text once stripped of the
 * invisible characters at both ends and with every run of invisible characters inside written as
 * one space ({@link TextRules#stripInvisible} and {@link TextRules#isBlankQuestion the blank
 * rule}). Each distinct text is represented by its first occurrence; {@code findDuplicates} embeds,
 * searches and verifies the distinct texts only, and {@link DuplicateGrouping} puts every repeat
 * into the group of its first occurrence.
 *
 * <p>Indices come in two spaces: the <em>question</em> index (position in the searched list) and
 * the <em>distinct</em> index (position among the distinct texts, in order of first occurrence).
 *
 * <p>Immutable and thread-safe.
 */
public final class ExactRepeats {
  private final int size;
  private final int[] firsts;
  private final int[] distinctOf;
  private final int[][] copies;

  private ExactRepeats(int size, int[] firsts, int[] distinctOf, int[][] copies) {
    this.size = size;
    this.firsts = firsts;
    this.distinctOf = distinctOf;
    this.copies = copies;
  }

  /**
   * Finds the repeats among {@code questions}.
   *
   * @param questions the questions; none null
   * @return their repeats
   */
  public static ExactRepeats of(List<String> questions) {
    Objects.requireNonNull(questions, "questions");
    int n = questions.size();
    Map<String, Integer> seen = new HashMap<>();
    int[] distinctOf = new int[n];
    int[] firsts = new int[Math.max(1, n)];
    int[] counts = new int[Math.max(1, n)];
    int m = 0;
    for (int i = 0; i < n; i++) {
      String key = key(Objects.requireNonNull(questions.get(i), "questions[" + i + "]"));
      Integer d = seen.putIfAbsent(key, m);
      if (d == null) {
        firsts[m] = i;
        d = m++;
      }
      distinctOf[i] = d;
      counts[d]++;
    }
    if (m == n) {
      return none(n);
    }
    int[][] copies = new int[m][];
    int[] filled = new int[m];
    for (int i = 0; i < n; i++) {
      int d = distinctOf[i];
      if (counts[d] > 1) {
        if (copies[d] == null) {
          copies[d] = new int[counts[d]];
        }
        copies[d][filled[d]++] = i;
      }
    }
    return new ExactRepeats(n, Arrays.copyOf(firsts, m), distinctOf, copies);
  }

  /**
   * No repeats: every question is its own distinct text.
   *
   * @param n the number of questions
   * @return the identity
   */
  public static ExactRepeats none(int n) {
    return new ExactRepeats(n, null, null, null);
  }

  /**
   * The equality key of a question: stripped at both ends, runs of invisible characters inside
   * written as one space.
   */
  static String key(String question) {
    String text = TextRules.stripInvisible(question);
    StringBuilder out = null;
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (TextRules.isInvisibleCodePoint(cp)) {
        int end = next;
        while (end < text.length() && TextRules.isInvisibleCodePoint(text.codePointAt(end))) {
          end += Character.charCount(text.codePointAt(end));
        }
        if (out == null && (cp != ' ' || end != next)) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
        if (out != null) {
          out.append(' ');
        }
        i = end;
      } else {
        if (out != null) {
          out.appendCodePoint(cp);
        }
        i = next;
      }
    }
    return out == null ? text : out.toString();
  }

  /** {@return whether some question repeats another} */
  public boolean any() {
    return firsts != null;
  }

  /** {@return the number of questions} */
  public int size() {
    return size;
  }

  /** {@return the number of distinct texts} */
  public int distinct() {
    return firsts == null ? size : firsts.length;
  }

  /**
   * {@return the question index of distinct text {@code d}'s first occurrence}
   *
   * @param d a distinct text's index, in [0, {@link #distinct()})
   */
  public int first(int d) {
    return firsts == null ? d : firsts[d];
  }

  /**
   * {@return the distinct index of question {@code i}}
   *
   * @param i a question's index, in [0, {@link #size()})
   */
  public int distinctOf(int i) {
    return distinctOf == null ? i : distinctOf[i];
  }

  /**
   * {@return how many questions have distinct text {@code d}: 1 for a text that is not repeated}
   *
   * @param d a distinct text's index, in [0, {@link #distinct()})
   */
  public int count(int d) {
    return copies == null || copies[d] == null ? 1 : copies[d].length;
  }

  /**
   * The question indices of distinct text {@code d}, ascending (its first occurrence first).
   *
   * @param d a distinct text's index, in [0, {@link #distinct()})
   * @return a new array
   */
  public int[] questions(int d) {
    return copies == null || copies[d] == null ? new int[] {first(d)} : copies[d].clone();
  }

  /** {@return the number of questions that repeat an earlier one} */
  public int repeats() {
    return size - distinct();
  }

  /**
   * These repeats less some: the questions in {@code dropped} are no longer repeats of their first
   * occurrence (a first occurrence itself is never dropped).
   *
   * @param dropped question indices
   * @return the remaining repeats, over the same distinct texts
   */
  public ExactRepeats without(java.util.BitSet dropped) {
    if (!any() || dropped.isEmpty()) {
      return this;
    }
    int[][] kept = new int[copies.length][];
    for (int d = 0; d < copies.length; d++) {
      if (copies[d] != null) {
        int first = firsts[d];
        int[] c = Arrays.stream(copies[d]).filter(q -> q == first || !dropped.get(q)).toArray();
        kept[d] = c.length > 1 ? c : null;
      }
    }
    return new ExactRepeats(size, firsts, distinctOf, kept);
  }

  /**
   * The distinct texts of {@code questions} (their first occurrences), as a view.
   *
   * @param questions the list these repeats were found in
   * @return one question per distinct text, in order of first occurrence
   */
  public List<String> distinctTexts(List<String> questions) {
    if (!any()) {
      return questions;
    }
    return new AbstractList<>() {
      @Override
      public String get(int d) {
        return questions.get(firsts[d]);
      }

      @Override
      public int size() {
        return firsts.length;
      }
    };
  }
}
