package dev.qsim.onnx;

import dev.qsim.DuplicatePair;
import dev.qsim.ProgressListener;
import dev.qsim.duplicates.PairScores;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies candidate pairs with a {@link PairDecision}, fast enough for millions of pairs: batches
 * of pairs on the search's {@link GemmWorkers}, and for a pair head its first layer split by input,
 * {@code W·[u, v, |u-v|, u*v] = Wu·u + Wv·v + Wd·|u-v| + Wp·(u*v)}: {@code Wu·q} and {@code Wv·q}
 * once per distinct question of a batch, the symmetric {@code Wd·|u-v| + Wp·(u*v)} once per pair
 * for both orders, all as matrix products — about a quarter of the multiply-adds of evaluating the
 * head twice per pair, on vectorised kernels. The scores equal {@link PairHead#probability} up to
 * float rounding.
 *
 * <p>Immutable; thread-safe.
 */
final class PairVerifier {
  static final int BATCH = 4096;

  /**
   * Scores this close to the threshold are recomputed by {@link PairHead#probability}: the batched
   * products differ from it by float rounding only (well below 1e-6).
   */
  static final double BORDER = 1e-5;

  private final PairDecision decision;
  private final PairHead head;
  private final int d;
  private final int h;
  private final float[] bias;
  private final FloatBuffer wuv;
  private final FloatBuffer wdp;

  PairVerifier(PairDecision decision) {
    this.decision = decision;
    this.head = decision.head();
    if (head == null) {
      d = h = 0;
      bias = null;
      wuv = wdp = null;
      return;
    }
    var first = head.firstLayer();
    d = head.dimension();
    h = first.bias().length;
    bias = first.bias().clone();
    wuv = VectorStore.direct(2 * h * d);
    wdp = VectorStore.direct(h * 2 * d);
    float[][] w = first.weights();
    for (int o = 0; o < h; o++) {
      wuv.put(o * d, w[o], 0, d);
      wuv.put((h + o) * d, w[o], d, d);
      wdp.put(o * 2 * d, w[o], 2 * d, 2 * d);
    }
  }

  /** Candidate pairs per verifier call when the decision reads texts. */
  static final int TEXT_BATCH = 4096;

  /**
   * The candidates that the decision accepts, with their scores, in candidate order.
   *
   * @param texts the questions, by index; needed when the decision {@link PairDecision#readsTexts
   *     reads texts} (a verifier), else may be {@code null}
   * @param rejected where a decision that reads texts records the candidates its verifier rejects
   *     (the grouping's cross checks then need not ask it again), or {@code null}
   */
  List<DuplicatePair> verify(
      VectorStore vectors,
      List<String> texts,
      CandidatePairs candidates,
      GemmWorkers workers,
      ProgressListener progress,
      PairScores rejected) {
    if (decision.readsTexts()) {
      return verifyTexts(
          decision.readsEmbeddings() ? vectors : null,
          texts,
          candidates,
          workers,
          progress,
          rejected);
    }
    int total = candidates.size();
    int batches = (total + BATCH - 1) / BATCH;
    List<List<DuplicatePair>> parts = new ArrayList<>(batches);
    List<GemmWorkers.Task> tasks = new ArrayList<>(batches);
    long[] weights = new long[batches];
    for (int b = 0; b < batches; b++) {
      int from = b * BATCH;
      int to = Math.min(total, from + BATCH);
      List<DuplicatePair> part = new ArrayList<>();
      parts.add(part);
      weights[b] = to - from;
      tasks.add(() -> verifyBatch(vectors, candidates, from, to, workers, part));
    }
    workers.runAll(tasks, weights, "verifying", progress);
    List<DuplicatePair> verified = new ArrayList<>();
    for (List<DuplicatePair> part : parts) {
      verified.addAll(part);
    }
    return verified;
  }

  /**
   * The verifier's (or cascade's) pass: candidates in chunks of {@value #TEXT_BATCH} pairs on the
   * calling thread (ONNX Runtime parallelises inside each call), the cascade's pair head on the
   * workers first ({@link #headScoresOnWorkers}), {@code "verifying"} progress after each chunk.
   */
  private List<DuplicatePair> verifyTexts(
      VectorStore vectors,
      List<String> texts,
      CandidatePairs candidates,
      GemmWorkers workers,
      ProgressListener progress,
      PairScores rejected) {
    if (texts == null) {
      throw new IllegalStateException("the verifier decision needs the questions' texts");
    }
    int total = candidates.size();
    List<DuplicatePair> out = new ArrayList<>();
    progress.update("verifying", 0, total);
    for (int from = 0; from < total; from += TEXT_BATCH) {
      int to = Math.min(total, from + TEXT_BATCH);
      List<String> a = new ArrayList<>(to - from);
      List<String> b = new ArrayList<>(to - from);
      float[][] u = vectors == null ? null : new float[to - from][];
      float[][] v = vectors == null ? null : new float[to - from][];
      for (int p = from; p < to; p++) {
        a.add(texts.get(candidates.first(p)));
        b.add(texts.get(candidates.second(p)));
        if (vectors != null) {
          u[p - from] = vectors.get(candidates.first(p));
          v[p - from] = vectors.get(candidates.second(p));
        }
      }
      double[] head =
          decision.band() == null
              ? null
              : headScoresOnWorkers(vectors, candidates, from, to, workers);
      accepted(candidates, from, decision.scores(a, b, u, v, head), out, rejected);
      progress.update("verifying", to, total);
    }
    return out;
  }

  private void verifyBatch(
      VectorStore vectors,
      CandidatePairs candidates,
      int from,
      int to,
      GemmWorkers workers,
      List<DuplicatePair> out) {
    double[] scores = new double[to - from];
    scores(vectors, candidates, from, to, workers, scores);
    accepted(candidates, from, scores, out, null);
  }

  /**
   * The candidates from {@code from} on that the decision accepts by their {@code scores}, into
   * {@code out}; those its verifier rejected into {@code rejected}, unless that is {@code null}.
   */
  private void accepted(
      CandidatePairs candidates,
      int from,
      double[] scores,
      List<DuplicatePair> out,
      PairScores rejected) {
    for (int i = 0; i < scores.length; i++) {
      int p = from + i;
      if (decision.accepts(scores[i])) {
        out.add(
            new DuplicatePair(
                candidates.first(p), candidates.second(p), candidates.similarity(p), scores[i]));
      } else if (rejected != null && decision.fromVerifier(scores[i])) {
        rejected.putIfAbsent(
            candidates.first(p), candidates.second(p), candidates.similarity(p), scores[i]);
      }
    }
  }

  /**
   * The decision's scores of candidates {@code [from, to)} when it reads only embeddings: the
   * similarity, or the pair head's probability by {@link #headScores}, a score so close to the
   * threshold that float rounding could flip the decision scored again as {@code isDuplicate}
   * scores it, so that both always agree.
   */
  void scores(
      VectorStore vectors,
      CandidatePairs candidates,
      int from,
      int to,
      GemmWorkers workers,
      double[] out) {
    if (head == null) {
      for (int p = from; p < to; p++) {
        out[p - from] = candidates.similarity(p);
      }
      return;
    }
    headScores(vectors, candidates, from, to, workers, out);
    float[] u = new float[d];
    float[] v = new float[d];
    for (int p = from; p < to; p++) {
      if (Math.abs(out[p - from] - decision.threshold()) < BORDER) {
        out[p - from] =
            head.probability(
                vectors.get(candidates.first(p), u), vectors.get(candidates.second(p), v));
      }
    }
  }

  /**
   * {@link #headScores} of candidates {@code [from, to)} on the workers' threads, in tasks of
   * {@value #TASK} pairs.
   */
  double[] headScoresOnWorkers(
      VectorStore vectors, CandidatePairs candidates, int from, int to, GemmWorkers workers) {
    return onWorkers(this::headScores, vectors, candidates, from, to, workers);
  }

  /**
   * {@link #scores} of candidates {@code [from, to)} on the workers' threads, in tasks of {@value
   * #TASK} pairs.
   */
  double[] scoresOnWorkers(
      VectorStore vectors, CandidatePairs candidates, int from, int to, GemmWorkers workers) {
    return onWorkers(this::scores, vectors, candidates, from, to, workers);
  }

  /** Pairs per worker task of {@link #scoresOnWorkers} and {@link #headScoresOnWorkers}. */
  static final int TASK = 512;

  /** Scores a range of candidates into {@code out[0, to - from)}. */
  @FunctionalInterface
  private interface RangeScores {
    void score(
        VectorStore vectors,
        CandidatePairs candidates,
        int from,
        int to,
        GemmWorkers workers,
        double[] out);
  }

  private static double[] onWorkers(
      RangeScores scores,
      VectorStore vectors,
      CandidatePairs candidates,
      int from,
      int to,
      GemmWorkers workers) {
    double[] out = new double[to - from];
    List<GemmWorkers.Task> tasks = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    for (int f = from; f < to; f += TASK) {
      int start = f;
      int end = Math.min(to, f + TASK);
      tasks.add(
          () -> {
            double[] s = new double[end - start];
            scores.score(vectors, candidates, start, end, workers, s);
            System.arraycopy(s, 0, out, start - from, s.length);
          });
      weights.add((long) (end - start));
    }
    if (tasks.size() == 1) {
      tasks.get(0).run();
    } else if (!tasks.isEmpty()) {
      workers.runAll(
          tasks,
          weights.stream().mapToLong(Long::longValue).toArray(),
          "scoring",
          ProgressListener.NONE);
    }
    return out;
  }

  /** The pair head's symmetric probabilities of candidates {@code [from, to)}. */
  void headScores(
      VectorStore vectors,
      CandidatePairs candidates,
      int from,
      int to,
      GemmWorkers workers,
      double[] out) {
    int b = to - from;
    Map<Integer, Integer> local = new HashMap<>();
    int[] firstRow = new int[b];
    int[] secondRow = new int[b];
    for (int p = 0; p < b; p++) {
      firstRow[p] = local.computeIfAbsent(candidates.first(from + p), q -> local.size());
      secondRow[p] = local.computeIfAbsent(candidates.second(from + p), q -> local.size());
    }
    int m = local.size();
    FloatBuffer questions = VectorStore.direct(m * d);
    for (Map.Entry<Integer, Integer> e : local.entrySet()) {
      questions.position(e.getValue() * d);
      vectors.copyTo(e.getKey(), questions);
    }
    questions.clear();
    float[] uv = new float[m * 2 * h];
    workers.multiply(questions, m, wuv.duplicate(), 2 * h, d, uv);
    FloatBuffer features = VectorStore.direct(b * 2 * d);
    float[] u = new float[d];
    float[] v = new float[d];
    for (int p = 0; p < b; p++) {
      questions.get(firstRow[p] * d, u, 0, d);
      questions.get(secondRow[p] * d, v, 0, d);
      int at = p * 2 * d;
      for (int k = 0; k < d; k++) {
        features.put(at + k, Math.abs(u[k] - v[k]));
        features.put(at + d + k, u[k] * v[k]);
      }
    }
    float[] shared = new float[b * h];
    workers.multiply(features, b, wdp.duplicate(), h, 2 * d, shared);
    float[] y = new float[h];
    for (int p = 0; p < b; p++) {
      int a = firstRow[p] * 2 * h;
      int c = secondRow[p] * 2 * h;
      int s = p * h;
      for (int o = 0; o < h; o++) {
        y[o] = bias[o] + uv[a + o] + uv[c + h + o] + shared[s + o];
      }
      double forward = head.fromFirstLayer(y);
      y = new float[h];
      for (int o = 0; o < h; o++) {
        y[o] = bias[o] + uv[c + o] + uv[a + h + o] + shared[s + o];
      }
      double backward = head.fromFirstLayer(y);
      y = new float[h];
      out[p] = 0.5 * (forward + backward);
    }
  }
}
