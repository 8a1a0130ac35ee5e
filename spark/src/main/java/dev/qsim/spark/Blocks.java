package dev.qsim.spark;

import dev.qsim.SimilarityFunction;
import java.util.List;

/** Vectors laid out for a matrix product. Stateless and thread-safe. */
final class Blocks {
  private Blocks() {}

  /** Row-major vectors, scaled to unit length for cosine so that a dot product is the cosine. */
  static float[] matrix(List<float[]> vectors, SimilarityFunction function) {
    int d = vectors.get(0).length;
    float[] m = new float[vectors.size() * d];
    for (int i = 0; i < vectors.size(); i++) {
      float[] v = vectors.get(i);
      double scale = 1;
      if (function == SimilarityFunction.COSINE) {
        double sq = 0;
        for (float x : v) {
          sq += (double) x * x;
        }
        scale = sq > 0 ? 1 / Math.sqrt(sq) : 1;
      }
      for (int k = 0; k < d; k++) {
        m[i * d + k] = (float) (v[k] * scale);
      }
    }
    return m;
  }
}
