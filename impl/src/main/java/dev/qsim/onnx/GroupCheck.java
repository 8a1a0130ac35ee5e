package dev.qsim.onnx;

import dev.qsim.ProgressListener;
import dev.qsim.SimilarityFunction;
import dev.qsim.duplicates.DuplicateGrouping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The duplicate decision for the pairs a grouping needs ({@link DuplicateGrouping.BatchVerifier}):
 * a pair whose similarity is below the candidate threshold is screened out with no decision call —
 * the candidate search would never have offered it, so {@code findDuplicates} never calls it a
 * duplicate — and the others are scored by {@link PairDecision#scores(List, List, float[][],
 * float[][])} with both their texts and their vectors, the batched path of verification: split over
 * the search's worker threads for a decision on the vectors, in chunks of {@value
 * PairVerifier#TEXT_BATCH} on the calling thread for one that reads the texts (which runs its own
 * threads). Vectors are read from the store through a bounded cache ({@value #CACHE} questions,
 * least recently used out).
 *
 * <p>Not thread-safe: one grouping at a time (its calls fan out to the workers inside).
 */
final class GroupCheck implements DuplicateGrouping.BatchVerifier {
  static final int CACHE = 20_000;

  /** Pairs per worker task. */
  static final int TASK = 512;

  private final PairDecision decision;
  private final SimilarityFunction function;
  private final double candidateThreshold;
  private final VectorStore vectors;
  private final List<String> texts;
  private final GemmWorkers workers;
  private long decided;
  private final Map<Integer, float[]> cache =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, float[]> eldest) {
          return size() > CACHE;
        }
      };

  /**
   * @param texts the questions by index (as many as {@code vectors}), or {@code null} when there
   *     are none (then the decision must not read texts)
   */
  GroupCheck(
      PairDecision decision,
      SimilarityFunction function,
      double candidateThreshold,
      VectorStore vectors,
      List<String> texts,
      GemmWorkers workers) {
    this.decision = decision;
    this.function = function;
    this.candidateThreshold = candidateThreshold;
    this.vectors = vectors;
    this.texts = texts;
    this.workers = workers;
  }

  /** How many pairs this check has asked the decision about so far. */
  long decided() {
    return decided;
  }

  @Override
  public double screen(int a, int b) {
    double similarity = function.compare(vector(a), vector(b));
    return similarity >= candidateThreshold ? similarity : Double.NaN;
  }

  @Override
  public void verify(int[] first, int[] second, int count, double[] similarity, double[] score) {
    decided += count;
    float[][] u = new float[count][];
    float[][] v = new float[count][];
    List<String> a = texts == null ? null : new ArrayList<>(count);
    List<String> b = texts == null ? null : new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      u[i] = vector(first[i]);
      v[i] = vector(second[i]);
      if (texts != null) {
        a.add(texts.get(first[i]));
        b.add(texts.get(second[i]));
      }
    }
    int chunk = decision.readsTexts() ? PairVerifier.TEXT_BATCH : TASK;
    List<GemmWorkers.Task> tasks = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    for (int from = 0; from < count; from += chunk) {
      int f = from;
      int t = Math.min(count, from + chunk);
      tasks.add(() -> score(f, t, a, b, u, v, score));
      weights.add((long) (t - f));
    }
    if (decision.readsTexts() || tasks.size() == 1) {
      for (GemmWorkers.Task task : tasks) {
        task.run();
      }
    } else {
      workers.runAll(
          tasks,
          weights.stream().mapToLong(Long::longValue).toArray(),
          "grouping",
          ProgressListener.NONE);
    }
  }

  private void score(
      int from, int to, List<String> a, List<String> b, float[][] u, float[][] v, double[] out) {
    double[] s =
        decision.scores(
            a == null ? null : a.subList(from, to),
            b == null ? null : b.subList(from, to),
            java.util.Arrays.copyOfRange(u, from, to),
            java.util.Arrays.copyOfRange(v, from, to));
    for (int i = 0; i < s.length; i++) {
      out[from + i] = decision.accepts(s[i]) ? s[i] : Double.NaN;
    }
  }

  private float[] vector(int q) {
    float[] e = cache.get(q);
    if (e == null) {
      e = vectors.get(q);
      cache.put(q, e);
    }
    return e;
  }
}
