package dev.qsim.onnx;

import dev.qsim.ProgressListener;
import dev.qsim.SimilarityFunction;
import dev.qsim.duplicates.DuplicateGrouping;
import dev.qsim.duplicates.PairScores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The duplicate decision for the pairs a grouping needs ({@link DuplicateGrouping.BatchVerifier}):
 * a pair whose similarity is below the candidate threshold is screened out with no decision call —
 * the candidate search would never have offered it, so {@code findDuplicates} never calls it a
 * duplicate —, as is a candidate that verification rejected by a decision that reads texts (the
 * same pair gets the same answer, and the verifier is the costly part); the others are scored on
 * the batched path of verification: a decision on the vectors by {@link PairVerifier#scores} (the
 * pair head as matrix products), in tasks of {@value #TASK} pairs over the search's worker threads;
 * one that reads the texts by {@link PairDecision#scores(List, List, float[][], float[][])}, in
 * chunks of {@value PairVerifier#TEXT_BATCH} on the calling thread (the verifier runs its own
 * threads). Vectors for the screen and the texts' decision are read from the store through a
 * bounded cache ({@value #CACHE} questions, least recently used out).
 *
 * <p>Not thread-safe: one grouping at a time (its calls fan out to the workers inside).
 */
final class GroupCheck implements DuplicateGrouping.BatchVerifier {
  static final int CACHE = 20_000;

  /** Pairs per worker task. */
  static final int TASK = 512;

  private final PairDecision decision;
  private final PairVerifier batched;
  private final SimilarityFunction function;
  private final double candidateThreshold;
  private final VectorStore vectors;
  private final List<String> texts;
  private final GemmWorkers workers;
  private final PairScores rejected;
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
   * @param rejected candidates the decision already rejected (screened out with no call), or {@code
   *     null}
   */
  GroupCheck(
      PairDecision decision,
      PairVerifier batched,
      SimilarityFunction function,
      double candidateThreshold,
      VectorStore vectors,
      List<String> texts,
      GemmWorkers workers,
      PairScores rejected) {
    this.decision = decision;
    this.batched = batched;
    this.function = function;
    this.candidateThreshold = candidateThreshold;
    this.vectors = vectors;
    this.texts = texts;
    this.workers = workers;
    this.rejected = rejected;
  }

  /** How many pairs this check has asked the decision about so far. */
  long decided() {
    return decided;
  }

  @Override
  public double screen(int a, int b) {
    if (rejected != null && rejected.contains(a, b)) {
      return Double.NaN; // verification asked the decision already: the same pair, the same answer
    }
    double similarity = function.compare(vector(a), vector(b));
    return similarity >= candidateThreshold ? similarity : Double.NaN;
  }

  @Override
  public void verify(int[] first, int[] second, int count, double[] similarity, double[] score) {
    decided += count;
    if (decision.readsTexts()) {
      float[][] u = decision.readsEmbeddings() ? new float[count][] : null;
      float[][] v = decision.readsEmbeddings() ? new float[count][] : null;
      List<String> a = new ArrayList<>(count);
      List<String> b = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        if (u != null) {
          u[i] = vector(first[i]);
          v[i] = vector(second[i]);
        }
        a.add(texts.get(first[i]));
        b.add(texts.get(second[i]));
      }
      for (int from = 0; from < count; from += PairVerifier.TEXT_BATCH) {
        int f = from;
        int t = Math.min(count, from + PairVerifier.TEXT_BATCH);
        double[] s =
            decision.scores(
                a.subList(f, t),
                b.subList(f, t),
                u == null ? null : Arrays.copyOfRange(u, f, t),
                v == null ? null : Arrays.copyOfRange(v, f, t));
        accept(s, f, score);
      }
      return;
    }
    CandidatePairs pairs = new CandidatePairs(count);
    List<GemmWorkers.Task> tasks = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      pairs.add(first[i], second[i], similarity[i]);
    }
    for (int from = 0; from < count; from += TASK) {
      int f = from;
      int t = Math.min(count, from + TASK);
      tasks.add(
          () -> {
            double[] s = new double[t - f];
            batched.scores(vectors, pairs, f, t, workers, s);
            accept(s, f, score);
          });
      weights.add((long) (t - f));
    }
    if (tasks.size() == 1) {
      tasks.get(0).run();
    } else {
      workers.runAll(
          tasks,
          weights.stream().mapToLong(Long::longValue).toArray(),
          "grouping",
          ProgressListener.NONE);
    }
  }

  /** {@code scores} into {@code out} from {@code at}, a rejection as NaN. */
  private void accept(double[] scores, int at, double[] out) {
    for (int i = 0; i < scores.length; i++) {
      out[at + i] = decision.accepts(scores[i]) ? scores[i] : Double.NaN;
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
