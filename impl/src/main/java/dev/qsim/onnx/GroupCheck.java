package dev.qsim.onnx;

import dev.qsim.SimilarityFunction;
import dev.qsim.duplicates.DuplicateGrouping;
import dev.qsim.duplicates.PairScores;
import java.util.ArrayList;
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
 * pair head as matrix products) over the search's worker threads; one that reads the texts by
 * {@link PairDecision#scores(List, List, float[][], float[][], double[])}, in chunks of {@value
 * PairVerifier#TEXT_BATCH} on the calling thread (the verifier runs its own threads), the cascade's
 * pair head as matrix products on the workers. A cascade's cross check asks the pair head about all
 * its pairs before the verifier about any ({@link #allDuplicates}): one pair the head rejects by
 * itself ends it. Vectors for the screen and the texts' decision are read from the store through a
 * bounded cache ({@value #CACHE} questions, least recently used out).
 *
 * <p>Not thread-safe: one grouping at a time (its calls fan out to the workers inside).
 */
final class GroupCheck implements DuplicateGrouping.BatchVerifier {
  static final int CACHE = 20_000;

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
    CandidatePairs pairs = pairs(first, second, similarity, count);
    if (!decision.readsTexts()) {
      accept(batched.scoresOnWorkers(vectors, pairs, 0, count, workers), 0, score);
      return;
    }
    for (int from = 0; from < count; from += PairVerifier.TEXT_BATCH) {
      int to = Math.min(count, from + PairVerifier.TEXT_BATCH);
      float[][] u = decision.readsEmbeddings() ? new float[to - from][] : null;
      float[][] v = decision.readsEmbeddings() ? new float[to - from][] : null;
      List<String> a = new ArrayList<>(to - from);
      List<String> b = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        if (u != null) {
          u[i - from] = vector(first[i]);
          v[i - from] = vector(second[i]);
        }
        a.add(texts.get(first[i]));
        b.add(texts.get(second[i]));
      }
      double[] head =
          decision.band() == null
              ? null
              : batched.headScoresOnWorkers(vectors, pairs, from, to, workers);
      accept(decision.scores(a, b, u, v, head), from, score);
    }
  }

  /**
   * In the cascade, first the pair head over all the pairs, in chunks of {@value
   * PairVerifier#BATCH}: a pair it rejects by itself (its probability below the band, by more than
   * float rounding, and the same words not reordered) ends the check with no verifier call, which
   * would otherwise have decided the band's pairs of the batches before it.
   */
  @Override
  public boolean allDuplicates(
      int[] first, int[] second, int count, double[] similarity, double[] score) {
    if (decision.band() != null && headRejectsOne(first, second, count, similarity)) {
      return false;
    }
    return DuplicateGrouping.BatchVerifier.super.allDuplicates(
        first, second, count, similarity, score);
  }

  private boolean headRejectsOne(int[] first, int[] second, int count, double[] similarity) {
    double below = decision.band().lower() - PairVerifier.BORDER;
    CandidatePairs pairs = pairs(first, second, similarity, count);
    for (int from = 0; from < count; from += PairVerifier.BATCH) {
      int to = Math.min(count, from + PairVerifier.BATCH);
      double[] head = batched.headScoresOnWorkers(vectors, pairs, from, to, workers);
      for (int i = 0; i < head.length; i++) {
        if (head[i] < below
            && !WordOrder.reordered(texts.get(first[from + i]), texts.get(second[from + i]))) {
          return true;
        }
      }
    }
    return false;
  }

  private static CandidatePairs pairs(int[] first, int[] second, double[] similarity, int count) {
    CandidatePairs pairs = new CandidatePairs(count);
    for (int i = 0; i < count; i++) {
      pairs.add(first[i], second[i], similarity[i]);
    }
    return pairs;
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
