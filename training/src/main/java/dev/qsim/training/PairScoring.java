package dev.qsim.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.qsim.SimilarityFunction;
import dev.qsim.data.LabelledPair;
import dev.qsim.eval.BinaryMetrics;
import dev.qsim.eval.Calibration;
import dev.qsim.eval.Correlation;
import dev.qsim.onnx.internal.PairOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link SiameseTrainer} computes without training: embeddings, mean losses, the scores of
 * labelled pairs, their evaluation and the calibrated thresholds. Not thread-safe: it uses the
 * trainer's parameters and managers, on the trainer's thread.
 */
final class PairScoring {
  private static final int EVAL_BATCH = 128;

  private final SiameseTrainer t;

  PairScoring(SiameseTrainer trainer) {
    this.t = trainer;
  }

  /**
   * The mean loss over consecutive batches of {@code pairs} with the current parameters, without
   * updating them (batches the loss cannot use are left out; NaN if none can be used).
   *
   * @param pairs the pairs, in the order they are batched
   * @return the mean batch loss
   */
  double meanLoss(List<LabelledPair> pairs) {
    List<LabelledPair> usable = TrainingData.usable(t, pairs);
    long[][] firstIds = TrainingData.tokenize(t, usable, true);
    long[][] secondIds = TrainingData.tokenize(t, usable, false);
    int batch = Math.min(t.config().batchSize(), usable.size());
    if (batch < 2) {
      return Double.NaN;
    }
    double sum = 0;
    int count = 0;
    for (int start = 0; start + batch <= usable.size(); start += batch) {
      int[] rows = new int[batch];
      float[] labels = new float[batch];
      for (int i = 0; i < batch; i++) {
        rows[i] = start + i;
        labels[i] = (float) usable.get(start + i).label();
      }
      try (NDManager scope = t.manager().newSubManager()) {
        t.attachTo(scope);
        NDArray loss =
            TrainingStep.batchLoss(t, scope, rows, firstIds, secondIds, labels, false, 0);
        sum += loss.getFloat();
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  /**
   * Embeds questions with the t.encoder() in inference mode, in length-sorted batches.
   *
   * @param questions the questions
   * @return one embedding per question, as the t.encoder() outputs it
   */
  float[][] embed(List<String> questions) {
    if (t.encoder().readsPairs()) {
      throw new IllegalStateException(
          "A cross-encoder reads pairs: it has no embedding of a single question");
    }
    long[][] ids = t.encoder().encode(t.tokenizer(), questions);
    Integer[] order = new Integer[ids.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(ids[a].length, ids[b].length));
    float[][] out = new float[ids.length][];
    for (int start = 0; start < order.length; start += EVAL_BATCH) {
      int end = Math.min(order.length, start + EVAL_BATCH);
      List<long[]> batch = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        batch.add(ids[order[i]]);
      }
      try (NDManager scope = t.manager().newSubManager()) {
        t.attachTo(scope);
        NDArray emb =
            t.encoder()
                .block()
                .forward(t.store(), QuestionTokenizer.toInputs(scope, batch), false)
                .head();
        int dim = (int) emb.getShape().get(1);
        float[] flat = emb.toFloatArray();
        for (int i = start; i < end; i++) {
          out[order[i]] = Arrays.copyOfRange(flat, (i - start) * dim, (i - start + 1) * dim);
        }
      }
    }
    return out;
  }

  /**
   * Scores labelled pairs with the current parameters: similarity, pair-t.head() probability (if
   * any), correlations.
   *
   * @param pairs the pairs
   * @param similarityThreshold the calibrated similarity threshold for {@link
   *     Evaluation#decision()}, or NaN for none
   * @param headThreshold the calibrated t.head() threshold, or NaN for none (ignored without a
   *     t.head())
   * @return the evaluation
   */
  Evaluation evaluate(List<LabelledPair> pairs, double similarityThreshold, double headThreshold) {
    double[][] scores = score(pairs);
    boolean[] duplicates = new boolean[pairs.size()];
    double[] labels = new double[pairs.size()];
    for (int i = 0; i < duplicates.length; i++) {
      labels[i] = pairs.get(i).label();
      duplicates[i] = t.config().isDuplicate(labels[i]);
    }
    BinaryMetrics similarity = BinaryMetrics.of(scores[0], duplicates);
    BinaryMetrics headMetrics = scores[1] == null ? null : BinaryMetrics.of(scores[1], duplicates);
    double pearson = Double.NaN;
    double spearman = Double.NaN;
    if (t.config().labelMax() > 1) {
      pearson = Correlation.pearson(scores[0], labels);
      spearman = Correlation.spearman(scores[0], labels);
    }
    double threshold = headMetrics != null ? headThreshold : similarityThreshold;
    BinaryMetrics deciding = headMetrics != null ? headMetrics : similarity;
    return new Evaluation(
        pairs.size(),
        similarity,
        headMetrics,
        pearson,
        spearman,
        Double.isNaN(threshold) ? null : deciding.at(threshold));
  }

  /** Cosine similarity per pair, and the t.head()'s probability per pair (or null). */
  private double[][] score(List<LabelledPair> pairs) {
    if (t.encoder().readsPairs()) {
      // The verifier's probability stands in for both scores: it has no similarity of its own.
      double[] p = crossProbabilities(pairs);
      return new double[][] {p, p};
    }
    Map<String, Integer> index = new HashMap<>();
    List<String> unique = new ArrayList<>();
    int[] a = new int[pairs.size()];
    int[] b = new int[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      a[i] = index.computeIfAbsent(pairs.get(i).first(), q -> add(unique, q));
      b[i] = index.computeIfAbsent(pairs.get(i).second(), q -> add(unique, q));
    }
    float[][] emb = embed(unique);
    double[] cos = new double[pairs.size()];
    for (int i = 0; i < cos.length; i++) {
      cos[i] = SimilarityFunction.COSINE.compare(emb[a[i]], emb[b[i]]);
    }
    double[] prob = null;
    if (t.head() != null) {
      prob = new double[pairs.size()];
      int dim = t.encoder().dimension();
      for (int start = 0; start < pairs.size(); start += 1024) {
        int end = Math.min(pairs.size(), start + 1024);
        float[] uf = new float[(end - start) * dim];
        float[] vf = new float[uf.length];
        for (int i = start; i < end; i++) {
          System.arraycopy(emb[a[i]], 0, uf, (i - start) * dim, dim);
          System.arraycopy(emb[b[i]], 0, vf, (i - start) * dim, dim);
        }
        try (NDManager scope = t.manager().newSubManager()) {
          t.attachTo(scope);
          Shape shape = new Shape(end - start, dim);
          float[] p =
              t.head().probabilities(t.store(), scope.create(uf, shape), scope.create(vf, shape));
          for (int i = start; i < end; i++) {
            prob[i] = p[i - start];
          }
        }
      }
    }
    return new double[][] {cos, prob};
  }

  /**
   * A cross-encoder's duplicate probability of each pair, as {@code qsim-impl} serves it: the
   * sigmoid of the logit of the pair read in {@link PairOrder}.
   */
  double[] crossProbabilities(List<LabelledPair> pairs) {
    List<LabelledPair> ordered = new ArrayList<>(pairs.size());
    for (LabelledPair p : pairs) {
      ordered.add(
          PairOrder.asGiven(p.first(), p.second())
              ? p
              : new LabelledPair(p.second(), p.first(), p.label(), p.source(), p.line()));
    }
    float[] logits = logits(TrainingData.tokenize(t, ordered, true));
    double[] p = new double[pairs.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = sigmoid(logits[i]);
    }
    return p;
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** A cross-encoder's logits of pair sequences, in length-sorted batches, without dropout. */
  private float[] logits(long[][] ids) {
    Integer[] order = new Integer[ids.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(ids[a].length, ids[b].length));
    float[] out = new float[ids.length];
    for (int start = 0; start < order.length; start += EVAL_BATCH) {
      int end = Math.min(order.length, start + EVAL_BATCH);
      List<long[]> batch = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        batch.add(ids[order[i]]);
      }
      try (NDManager scope = t.manager().newSubManager()) {
        t.attachTo(scope);
        float[] logits =
            t.encoder()
                .block()
                .forward(t.store(), t.encoder().inputs(scope, batch), false)
                .head()
                .toFloatArray();
        for (int i = start; i < end; i++) {
          out[order[i]] = logits[i - start];
        }
      }
    }
    return out;
  }

  private static int add(List<String> unique, String question) {
    unique.add(question);
    return unique.size() - 1;
  }

  /**
   * The thresholds by qsim's one calibration rule ({@link Calibration}): the similarity's and, with
   * a pair head or verifier, the decision's best balanced accuracy on the calibration pairs; with a
   * pair head over the encoder's vectors, also the candidate threshold (for a verifier, which reads
   * texts, none).
   */
  Calibration calibrate(List<LabelledPair> train) {
    if (t.progress() != null) {
      t.progress()
          .printf(Locale.ROOT, "Calibrating the duplicate threshold on %d pairs%n", train.size());
    }
    double[][] scores = score(train);
    boolean[] duplicates = new boolean[train.size()];
    for (int i = 0; i < duplicates.length; i++) {
      duplicates[i] = t.config().isDuplicate(train.get(i).label());
    }
    Calibration c = Calibration.of(scores[0], scores[1], duplicates, Double.NaN);
    return t.encoder().readsPairs()
        ? new Calibration(c.similarity(), c.decision(), java.util.OptionalDouble.empty())
        : c;
  }
}
