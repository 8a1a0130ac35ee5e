package dev.qsim.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.qsim.QsimException;
import dev.qsim.onnx.internal.GemmGraph;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The exact cosine top-k of a few query vectors among many, by brute force: every query against
 * every vector, as blocked matrix products on ONNX Runtime (the same one-node graph qsim's search
 * runs), so that a million vectors take seconds, not the hour a scalar Java loop would.
 *
 * <p>Stateless and thread-safe.
 */
final class BruteForce {
  private static final int BLOCK = 8192;

  private BruteForce() {}

  /** Vector {@code i} into {@code out}. */
  @FunctionalInterface
  interface Source {
    float[] vector(int i, float[] out);
  }

  /**
   * For each query (an index among the {@code n} vectors), the indices of its {@code k} most
   * cosine-similar other vectors whose similarity reaches {@code threshold}, best first.
   */
  static int[][] topK(Source vectors, int n, int d, int[] queries, int k, double threshold) {
    int m = queries.length;
    FloatBuffer q = direct(m * d);
    float[] v = new float[d];
    for (int query : queries) {
      q.put(normalised(vectors.vector(query, v)));
    }
    q.flip();
    int[][] best = new int[m][k];
    float[][] bestScore = new float[m][k];
    int[] size = new int[m];
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session =
            env.createSession(GemmGraph.bytes(), new OrtSession.SessionOptions());
        OnnxTensor a = OnnxTensor.createTensor(env, q, new long[] {m, d})) {
      FloatBuffer block = direct(BLOCK * d);
      float[] scores = new float[m * BLOCK];
      for (int c0 = 0; c0 < n; c0 += BLOCK) {
        int c1 = Math.min(n, c0 + BLOCK);
        block.clear();
        for (int i = c0; i < c1; i++) {
          block.put(normalised(vectors.vector(i, v)));
        }
        block.flip();
        int w = c1 - c0;
        try (OnnxTensor b = OnnxTensor.createTensor(env, block, new long[] {w, d});
            OrtSession.Result r = session.run(Map.of("A", a, "B", b))) {
          ((OnnxTensor) r.get(0)).getFloatBuffer().get(scores, 0, m * w);
        }
        for (int e = 0; e < m; e++) {
          for (int c = 0; c < w; c++) {
            float s = scores[e * w + c];
            int j = c0 + c;
            if (s < threshold || j == queries[e]) {
              continue;
            }
            insert(best[e], bestScore[e], size, e, j, s, k);
          }
        }
      }
    } catch (OrtException e) {
      throw new QsimException("Brute-force search failed: " + e.getMessage(), e);
    }
    int[][] out = new int[m][];
    for (int e = 0; e < m; e++) {
      out[e] = java.util.Arrays.copyOf(best[e], size[e]);
    }
    return out;
  }

  private static void insert(int[] idx, float[] sc, int[] size, int e, int j, float s, int k) {
    if (size[e] == k && s <= sc[k - 1]) {
      return;
    }
    int pos = size[e] < k ? size[e]++ : k - 1;
    while (pos > 0 && sc[pos - 1] < s) {
      sc[pos] = sc[pos - 1];
      idx[pos] = idx[pos - 1];
      pos--;
    }
    sc[pos] = s;
    idx[pos] = j;
  }

  private static float[] normalised(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 1f;
    for (int i = 0; i < v.length; i++) {
      v[i] *= inv;
    }
    return v;
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
