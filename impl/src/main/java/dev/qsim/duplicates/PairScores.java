package dev.qsim.duplicates;

import java.util.Arrays;

/**
 * The similarity and decision score of known pairs {@code (a < b)}, in an open-addressing table of
 * primitive arrays (about 40 bytes a pair, no object per pair): a grouping of a million questions
 * may know millions of pairs. The grouping keeps its known duplicates here; {@code findDuplicates}
 * keeps the candidates a verifier rejected, so that the grouping's cross checks do not ask it
 * again.
 *
 * <p>Internal: public only for qsim-impl's search. Not thread-safe.
 */
public final class PairScores {
  private static final long EMPTY = -1L;

  private long[] keys;
  private double[] similarity;
  private double[] score;
  private int size;

  /**
   * An empty table.
   *
   * @param expected how many pairs it will likely hold (it grows past that)
   */
  public PairScores(int expected) {
    int capacity =
        Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 30, 2L * expected)) - 1) << 1;
    allocate(capacity);
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    Arrays.fill(keys, EMPTY);
    similarity = new double[capacity];
    score = new double[capacity];
  }

  static long key(int a, int b) {
    return ((long) Math.min(a, b) << 32) | (Math.max(a, b) & 0xffffffffL);
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    int mask = keys.length - 1;
    int i = (int) (h ^ (h >>> 29)) & mask;
    while (keys[i] != EMPTY && keys[i] != key) {
      i = (i + 1) & mask;
    }
    return i;
  }

  /**
   * Stores a pair unless it is already known.
   *
   * @param a one question's index
   * @param b the other's
   * @param pairSimilarity the pair's similarity
   * @param pairScore the pair's decision score
   */
  public void putIfAbsent(int a, int b, double pairSimilarity, double pairScore) {
    long key = key(a, b);
    int i = slot(key);
    if (keys[i] == key) {
      return;
    }
    keys[i] = key;
    similarity[i] = pairSimilarity;
    score[i] = pairScore;
    if (++size * 4L > keys.length * 3L) {
      grow();
    }
  }

  /**
   * Whether the pair, in either order, is known.
   *
   * @param a one question's index
   * @param b the other's
   * @return whether it is known
   */
  public boolean contains(int a, int b) {
    long key = key(a, b);
    return keys[slot(key)] == key;
  }

  /** The pair's decision score; the pair must be known. */
  double score(int a, int b) {
    return score[known(a, b)];
  }

  /** The pair's similarity; the pair must be known. */
  double similarity(int a, int b) {
    return similarity[known(a, b)];
  }

  private int known(int a, int b) {
    long key = key(a, b);
    int i = slot(key);
    if (keys[i] != key) {
      throw new IllegalStateException("pair (" + a + ", " + b + ") is not known");
    }
    return i;
  }

  int size() {
    return size;
  }

  private void grow() {
    long[] oldKeys = keys;
    double[] oldSimilarity = similarity;
    double[] oldScore = score;
    allocate(oldKeys.length * 2);
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        int j = slot(oldKeys[i]);
        keys[j] = oldKeys[i];
        similarity[j] = oldSimilarity[i];
        score[j] = oldScore[i];
      }
    }
  }
}
