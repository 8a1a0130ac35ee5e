package dev.qsim.onnx;

import ai.djl.engine.Engine;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.qsim.DuplicatePair;
import dev.qsim.InferenceException;
import dev.qsim.ProgressListener;
import dev.qsim.SimilarityFunction;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the candidate pairs of a list of embeddings: those whose similarity reaches a threshold, at
 * most {@code k} per question, without an N×N matrix: blocked dot products over the upper triangle,
 * one row block per task on a small named thread pool, and a bounded top-k per question. Memory:
 * the vectors, one transposed column block per thread, and {@code k} candidates per question.
 *
 * <p>Stateless; each call uses its own threads, so concurrent calls are safe.
 */
final class DuplicateFinder {
  private static final int ROW_BLOCK = 512;
  private static final int COLUMN_BLOCK = 4096;

  private final float[][] original;
  private final SimilarityFunction function;
  private final double threshold;
  private final int topK;
  private final int n;
  private final int d;
  private final float[] flat;
  private final float[] squaredNorms;
  private final TopK[] tops;

  private DuplicateFinder(
      float[][] vectors, SimilarityFunction function, double threshold, int topK) {
    this.original = vectors;
    this.function = function;
    this.threshold = threshold;
    this.topK = topK;
    this.n = vectors.length;
    this.d = n == 0 ? 0 : vectors[0].length;
    this.flat = new float[n * d];
    this.squaredNorms = new float[n];
    for (int i = 0; i < n; i++) {
      float[] v = vectors[i];
      if (v.length != d) {
        throw new IllegalArgumentException(
            "Vector " + i + " has dimension " + v.length + ", expected " + d);
      }
      double sq = 0;
      for (float x : v) {
        sq += (double) x * x;
      }
      squaredNorms[i] = (float) sq;
      double scale = function == SimilarityFunction.COSINE && sq > 0 ? 1 / Math.sqrt(sq) : 1;
      for (int k = 0; k < d; k++) {
        flat[i * d + k] = (float) (v[k] * scale);
      }
    }
    this.tops = new TopK[n];
    for (int i = 0; i < n; i++) {
      tops[i] = new TopK(topK);
    }
  }

  /**
   * The candidate pairs: similarity at least {@code threshold}, {@code j} among the {@code topK}
   * most similar of {@code i} or {@code i} among those of {@code j}. Each pair's {@code similarity}
   * and {@code score} are its exact similarity (as {@link SimilarityFunction#compare} computes it).
   */
  static List<DuplicatePair> candidates(
      float[][] vectors,
      SimilarityFunction function,
      double threshold,
      int topK,
      int threads,
      ProgressListener progress) {
    DuplicateFinder finder = new DuplicateFinder(vectors, function, threshold, topK);
    finder.search(threads, progress);
    return finder.collect();
  }

  private void search(int threads, ProgressListener progress) {
    long total = (long) n * (n - 1) / 2;
    if (n < 2) {
      progress.update("searching", 0, total);
      return;
    }
    // DJL's engine creates the process-wide ONNX Runtime environment with its own options: let it
    // go first.
    Engine.getEngine(SentenceEncoder.ENGINE);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      try (OrtSession session = env.createSession(GemmGraph.bytes(), options)) {
        long done = 0;
        for (int r0 = 0; r0 < n; r0 += ROW_BLOCK) {
          int r1 = Math.min(n, r0 + ROW_BLOCK);
          try (OnnxTensor a = rows(env, r0, r1)) {
            for (int c0 = r0; c0 < n; c0 += COLUMN_BLOCK) {
              int c1 = Math.min(n, c0 + COLUMN_BLOCK);
              try (OnnxTensor b = rows(env, c0, c1);
                  OrtSession.Result result = session.run(Map.of("A", a, "B", b))) {
                FloatBuffer scores = ((OnnxTensor) result.get(0)).getFloatBuffer();
                scan(scores, r0, r1, c0, c1);
              }
            }
          }
          for (int i = r0; i < r1; i++) {
            done += n - 1 - i;
          }
          progress.update("searching", done, total);
        }
      }
    } catch (OrtException e) {
      throw new InferenceException("Duplicate search failed in ONNX Runtime: " + e.getMessage(), e);
    }
  }

  /** Rows [from, to) of the (normalised) vectors as a [rows, d] tensor. */
  private OnnxTensor rows(OrtEnvironment env, int from, int to) throws OrtException {
    FloatBuffer buffer = FloatBuffer.wrap(flat, from * d, (to - from) * d).slice();
    return OnnxTensor.createTensor(env, buffer, new long[] {to - from, d});
  }

  /**
   * Offers every pair above the threshold in the block of scores of rows [r0, r1) by columns [c0,
   * c1).
   */
  private void scan(FloatBuffer scores, int r0, int r1, int c0, int c1) {
    int w = c1 - c0;
    float[] row = new float[w];
    // For cosine and dot the score is the raw value: skip the vast majority of cells with one float
    // comparison.
    float floor =
        function == SimilarityFunction.EUCLIDEAN
            ? Float.NEGATIVE_INFINITY
            : (float) threshold - 1e-6f * Math.max(1f, Math.abs((float) threshold));
    for (int i = r0; i < r1; i++) {
      scores.position((i - r0) * w);
      scores.get(row, 0, w);
      for (int j = Math.max(0, i + 1 - c0); j < w; j++) {
        if (row[j] < floor) {
          continue;
        }
        double score = score(row[j], i, c0 + j);
        if (score >= threshold) {
          tops[i].offer(c0 + j, score);
          tops[c0 + j].offer(i, score);
        }
      }
    }
  }

  private double score(float dot, int i, int j) {
    switch (function) {
      case COSINE:
        return Math.max(-1.0, Math.min(1.0, dot));
      case DOT_PRODUCT:
        return dot;
      case EUCLIDEAN:
        double sq = Math.max(0.0, (double) squaredNorms[i] + squaredNorms[j] - 2.0 * dot);
        return 1.0 / (1.0 + Math.sqrt(sq));
      default:
        throw new AssertionError(function);
    }
  }

  private List<DuplicatePair> collect() {
    Set<Long> seen = new HashSet<>();
    List<DuplicatePair> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TopK top = tops[i];
      for (int e = 0; e < top.size; e++) {
        int j = top.index[e];
        int a = Math.min(i, j);
        int b = Math.max(i, j);
        if (seen.add((long) a * n + b)) {
          // Report the exact score, computed as SimilarityFunction does, so it equals
          // similarity(q_a, q_b).
          double exact = function.compare(original[a], original[b]);
          if (exact >= threshold) {
            pairs.add(new DuplicatePair(a, b, exact, exact));
          }
        }
      }
    }
    return pairs;
  }

  /**
   * The best {@code k} candidates of one question, by score then lower index. Offers from several
   * threads are serialised on the instance.
   */
  private static final class TopK {
    final int[] index;
    final double[] score;
    int size;

    TopK(int k) {
      index = new int[k];
      score = new double[k];
    }

    synchronized void offer(int j, double s) {
      if (size < index.length) {
        index[size] = j;
        score[size] = s;
        size++;
        return;
      }
      int worst = 0;
      for (int e = 1; e < size; e++) {
        if (worse(e, worst)) {
          worst = e;
        }
      }
      if (s > score[worst] || (s == score[worst] && j < index[worst])) {
        index[worst] = j;
        score[worst] = s;
      }
    }

    private boolean worse(int a, int b) {
      return score[a] < score[b] || (score[a] == score[b] && index[a] > index[b]);
    }
  }
}
