package dev.qsim.onnx;

import dev.qsim.DuplicatePair;
import dev.qsim.ProgressListener;
import dev.qsim.SimilarityFunction;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact candidate search: every pair whose similarity reaches a threshold, at most {@code k}
 * per question, without an N×N matrix: blocked dot products over the upper triangle on ONNX
 * Runtime's matrix kernels ({@link GemmWorkers}), one row block per task, read straight from the
 * off-heap {@link VectorStore}, and a bounded top-k per question ({@link TopKTable}). Memory: one
 * block of scores per thread and {@code k} candidates per question.
 *
 * <p>Stateless; each call uses the workers it is given, so concurrent calls are safe.
 */
final class DuplicateFinder {
  static final int ROW_BLOCK = 512;
  static final int COLUMN_BLOCK = 4096;

  private DuplicateFinder() {}

  /**
   * The candidate pairs: similarity at least {@code threshold}, {@code j} among the {@code topK}
   * most similar of {@code i} or {@code i} among those of {@code j}. Each pair's similarity is its
   * exact similarity (as {@link SimilarityFunction#compare} computes it).
   */
  static CandidatePairs candidates(
      VectorStore vectors,
      SimilarityFunction function,
      double threshold,
      int topK,
      GemmWorkers workers,
      ProgressListener progress) {
    int n = vectors.size();
    TopKTable tops = new TopKTable(n, topK);
    PairScan scan = new PairScan(vectors, function, threshold, tops);
    int d = vectors.dimension();
    List<GemmWorkers.Task> tasks = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    for (int start = 0; start < n; start += ROW_BLOCK) {
      int r0 = start;
      int r1 = Math.min(n, r0 + ROW_BLOCK);
      long cells = 0;
      for (int i = r0; i < r1; i++) {
        cells += n - 1 - i;
      }
      weights.add(cells);
      tasks.add(
          () -> {
            float[] dots = new float[ROW_BLOCK * COLUMN_BLOCK];
            int[] rows = range(r0, r1);
            FloatBuffer a = vectors.rows(r0, r1);
            for (int c0 = r0; c0 < n; c0 += COLUMN_BLOCK) {
              int c1 = Math.min(n, c0 + COLUMN_BLOCK);
              workers.multiply(a, r1 - r0, vectors.rows(c0, c1), c1 - c0, d, dots);
              scan.scan(dots, rows, r1 - r0, range(c0, c1), c1 - c0, (i, j) -> j <= i);
            }
          });
    }
    workers.runAll(
        tasks, weights.stream().mapToLong(Long::longValue).toArray(), "searching", progress);
    return tops.pairs(vectors, function, threshold);
  }

  /** The exact candidates of in-heap vectors, as values (for tests). */
  static List<DuplicatePair> candidates(
      float[][] vectors,
      SimilarityFunction function,
      double threshold,
      int topK,
      int threads,
      ProgressListener progress) {
    try (VectorStore store = VectorStore.of(vectors);
        GemmWorkers workers = new GemmWorkers(threads)) {
      return candidates(store, function, threshold, topK, workers, progress).toList();
    }
  }

  static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }
}
