package dev.qsim.onnx;

import dev.qsim.SimilarityFunction;

/**
 * The best {@code k} candidates of every question, by score then lower index, in flat arrays (a
 * million questions with {@code k = 10} take 120 MB, no object per question). A candidate already
 * held is ignored, so a pair offered twice (the clustered search finds some pairs in several
 * clusters) is held once.
 *
 * <p>Thread-safe: offers for one question are serialised on one of a fixed set of lock stripes.
 */
final class TopKTable {
  private static final int STRIPES = 1024;

  private final int n;
  private final int k;
  private final int[] index;
  private final double[] score;
  private final int[] size;
  private final Object[] locks = new Object[STRIPES];

  TopKTable(int n, int k) {
    this.n = n;
    this.k = k;
    this.index = new int[Math.multiplyExact(n, k)];
    this.score = new double[n * k];
    this.size = new int[n];
    for (int s = 0; s < STRIPES; s++) {
      locks[s] = new Object();
    }
  }

  /** Offers {@code j} with score {@code s} as a candidate of {@code i}. */
  void offer(int i, int j, double s) {
    synchronized (locks[i & (STRIPES - 1)]) {
      int base = i * k;
      int count = size[i];
      for (int e = 0; e < count; e++) {
        if (index[base + e] == j) {
          return;
        }
      }
      if (count < k) {
        index[base + count] = j;
        score[base + count] = s;
        size[i] = count + 1;
        return;
      }
      int worst = base;
      for (int e = base + 1; e < base + k; e++) {
        if (score[e] < score[worst] || (score[e] == score[worst] && index[e] > index[worst])) {
          worst = e;
        }
      }
      if (s > score[worst] || (s == score[worst] && j < index[worst])) {
        index[worst] = j;
        score[worst] = s;
      }
    }
  }

  /** Whether {@code j} is among the candidates of {@code i}. Call after all offers. */
  boolean holds(int i, int j) {
    int base = i * k;
    for (int e = 0; e < size[i]; e++) {
      if (index[base + e] == j) {
        return true;
      }
    }
    return false;
  }

  /**
   * Every pair {@code a < b} held by {@code a} or {@code b}, once, with its exact similarity as
   * {@code function} computes it from the stored vectors, when that reaches {@code threshold}. Call
   * after all offers.
   */
  CandidatePairs pairs(VectorStore vectors, SimilarityFunction function, double threshold) {
    CandidatePairs out = new CandidatePairs(n);
    float[] u = new float[vectors.dimension()];
    float[] v = new float[vectors.dimension()];
    for (int i = 0; i < n; i++) {
      int base = i * k;
      boolean loaded = false;
      for (int e = 0; e < size[i]; e++) {
        int j = index[base + e];
        if (j < i && holds(j, i)) {
          continue; // emitted from j's list
        }
        if (!loaded) {
          vectors.get(i, u);
          loaded = true;
        }
        double exact = function.compare(u, vectors.get(j, v));
        if (exact >= threshold) {
          out.add(Math.min(i, j), Math.max(i, j), exact);
        }
      }
    }
    return out;
  }
}
