package dev.qsim.onnx;

import dev.qsim.SimilarityFunction;
import dev.qsim.duplicates.CandidateCutoff;

/**
 * Turns a block of dot products between stored vectors into candidate offers: the similarity of
 * each cell (cosine from the raw dot product and the two norms), and an offer to both questions'
 * {@link TopKTable} when it reaches the threshold. Shared by the exact and the clustered search, so
 * both score cells the same way.
 *
 * <p>Immutable apart from the table it fills; thread-safe.
 */
final class PairScan {
  /** Which cells of a block to skip (called only for cells above the threshold). */
  @FunctionalInterface
  interface Skip {
    boolean skip(int row, int column);
  }

  private final SimilarityFunction function;
  private final double threshold;
  private final float floor;
  private final float[] inverseNorms;
  private final float[] squaredNorms;
  private final TopKTable tops;

  PairScan(VectorStore vectors, SimilarityFunction function, double threshold, TopKTable tops) {
    this.function = function;
    this.threshold = threshold;
    this.tops = tops;
    int n = vectors.size();
    this.inverseNorms = new float[n];
    this.squaredNorms = new float[n];
    float[] v = new float[vectors.dimension()];
    for (int i = 0; i < n; i++) {
      vectors.get(i, v);
      double sq = 0;
      for (float x : v) {
        sq += (double) x * x;
      }
      squaredNorms[i] = (float) sq;
      inverseNorms[i] = sq > 0 ? (float) (1 / Math.sqrt(sq)) : 1f;
    }
    // For cosine and dot the cell's value is the score: skip most cells with one comparison.
    this.floor = CandidateCutoff.floor(function, threshold);
  }

  /**
   * Offers the pairs of a block of dot products: {@code dots[r * w + c]} is the dot product of
   * vectors {@code rows[r]} and {@code columns[c]}.
   */
  void scan(float[] dots, int[] rows, int m, int[] columns, int w, Skip skip) {
    boolean cosine = function == SimilarityFunction.COSINE;
    for (int r = 0; r < m; r++) {
      int i = rows[r];
      float ri = cosine ? inverseNorms[i] : 1f;
      int at = r * w;
      for (int c = 0; c < w; c++) {
        float value = dots[at + c];
        if (cosine) {
          value *= ri * inverseNorms[columns[c]];
        }
        if (value < floor) {
          continue;
        }
        int j = columns[c];
        if (skip.skip(i, j)) {
          continue;
        }
        double score = score(dots[at + c], value, i, j);
        if (score >= threshold) {
          tops.offer(i, j, score);
          tops.offer(j, i, score);
        }
      }
    }
  }

  private double score(float dot, float cosine, int i, int j) {
    switch (function) {
      case COSINE:
        return Math.max(-1.0, Math.min(1.0, cosine));
      case DOT_PRODUCT:
        return dot;
      case EUCLIDEAN:
        double sq = Math.max(0.0, (double) squaredNorms[i] + squaredNorms[j] - 2.0 * dot);
        return 1.0 / (1.0 + Math.sqrt(sq));
      default:
        throw new AssertionError(function);
    }
  }
}
