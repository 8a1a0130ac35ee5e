package dev.qsim.onnx;

import dev.qsim.DuplicateDecision;
import dev.qsim.SimilarityFunction;
import dev.qsim.model.ModelMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * The one duplicate decision of a loaded model: which score (cross-encoder verifier, pair head or
 * similarity) and which threshold. {@code isDuplicate}, {@code duplicateScores}, {@code
 * findDuplicates}, {@code mostSimilar} and the question index all score pairs through an instance
 * of this class, so they cannot disagree.
 *
 * <p>The embedding decisions score two vectors ({@link #score(float[], float[])}); the verifier
 * reads the two texts ({@link #scores(List, List, float[][], float[][])}, {@link #readsTexts()});
 * the cascade reads both: the pair head's probability decides outside the model's band, the
 * verifier inside it and wherever the two questions have the same words in another order ({@link
 * #cascade}, {@link WordOrder}). A verifier's probability is its value for the pair scored alone: a
 * batched score within {@link PairVerifier#BORDER} of the threshold is recomputed alone, so the
 * decision for a pair never depends on the other pairs of a call.
 *
 * <p>Immutable and thread-safe (the verifier is thread-safe).
 */
final class PairDecision {
  private final DuplicateDecision kind;
  private final double threshold;
  private final SimilarityFunction function;
  private final PairHead head;
  private final CrossEncoderVerifier verifier;
  private final ModelMetadata.Cascade band;
  private final double verifierThreshold;

  /** The cascade's head threshold at load, where the verifier's threshold is mapped to. */
  private final double pivot;

  private PairDecision(
      DuplicateDecision kind,
      double threshold,
      SimilarityFunction function,
      PairHead head,
      CrossEncoderVerifier verifier,
      ModelMetadata.Cascade band,
      double verifierThreshold,
      double pivot) {
    this.kind = kind;
    this.threshold = threshold;
    this.function = function;
    this.head = head;
    this.verifier = verifier;
    this.band = band;
    this.verifierThreshold = verifierThreshold;
    this.pivot = pivot;
  }

  /** The similarity decision at {@code threshold}. */
  static PairDecision similarity(SimilarityFunction function, double threshold) {
    checkThreshold(DuplicateDecision.SIMILARITY, function, threshold);
    return new PairDecision(
        DuplicateDecision.SIMILARITY,
        threshold,
        function,
        null,
        null,
        null,
        Double.NaN,
        Double.NaN);
  }

  /** The pair head's decision at {@code threshold}. */
  static PairDecision pairHead(PairHead head, SimilarityFunction function, double threshold) {
    checkThreshold(DuplicateDecision.PAIR_HEAD, function, threshold);
    return new PairDecision(
        DuplicateDecision.PAIR_HEAD, threshold, function, head, null, null, Double.NaN, Double.NaN);
  }

  /** The cross-encoder verifier's decision at {@code threshold}. */
  static PairDecision verifier(
      CrossEncoderVerifier verifier, SimilarityFunction function, double threshold) {
    checkThreshold(DuplicateDecision.VERIFIER, function, threshold);
    return new PairDecision(
        DuplicateDecision.VERIFIER,
        threshold,
        function,
        null,
        verifier,
        null,
        threshold,
        Double.NaN);
  }

  /**
   * The cascade: the pair head decides the pairs whose probability lies outside {@code band}; the
   * verifier decides those inside it, and the pairs whose questions have the same words in another
   * order ({@link WordOrder}: the head cannot see order). The score is on the pair head's scale,
   * compared with the head's threshold: the head's probability outside the band; inside it, the
   * verifier's probability mapped monotonically into the band so that the verifier's threshold
   * falls on the head's ({@link #bandScore}).
   *
   * @throws IllegalArgumentException if the band does not contain the head's threshold
   */
  static PairDecision cascade(
      PairHead head,
      CrossEncoderVerifier verifier,
      SimilarityFunction function,
      double headThreshold,
      double verifierThreshold,
      ModelMetadata.Cascade band) {
    checkThreshold(DuplicateDecision.PAIR_HEAD, function, headThreshold);
    checkThreshold(DuplicateDecision.VERIFIER, function, verifierThreshold);
    if (!band.contains(headThreshold)) {
      throw new IllegalArgumentException(
          "verifier.cascade ["
              + band.lower()
              + ", "
              + band.upper()
              + "] does not contain the pair head's threshold "
              + headThreshold);
    }
    return new PairDecision(
        DuplicateDecision.CASCADE,
        headThreshold,
        function,
        head,
        verifier,
        band,
        verifierThreshold,
        headThreshold);
  }

  /** The same decision at another threshold. */
  PairDecision withThreshold(double value) {
    checkThreshold(kind, function, value);
    return new PairDecision(
        kind,
        value,
        function,
        head,
        verifier,
        band,
        kind == DuplicateDecision.VERIFIER ? value : verifierThreshold,
        pivot);
  }

  /**
   * Rejects a threshold outside the range of the decision's score.
   *
   * @throws IllegalArgumentException naming the decision and its range
   */
  static void checkThreshold(DuplicateDecision kind, SimilarityFunction function, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("threshold must be a finite number, was " + value);
    }
    if ((kind == DuplicateDecision.PAIR_HEAD || kind == DuplicateDecision.CASCADE)
        && (value < 0 || value > 1)) {
      throw new IllegalArgumentException(
          "threshold " + value + " is outside [0, 1], the range of the pair head's probability");
    }
    if (kind == DuplicateDecision.VERIFIER && (value < 0 || value > 1)) {
      throw new IllegalArgumentException(
          "threshold " + value + " is outside [0, 1], the range of the verifier's probability");
    }
    if (kind == DuplicateDecision.SIMILARITY && !function.inRange(value)) {
      throw new IllegalArgumentException(
          "threshold "
              + value
              + " is outside "
              + function.range()
              + ", the range of the "
              + function.id()
              + " similarity");
    }
  }

  DuplicateDecision kind() {
    return kind;
  }

  double threshold() {
    return threshold;
  }

  /** The pair head this decision scores with, or {@code null} for the similarity decision. */
  PairHead head() {
    return head;
  }

  /** Whether the decision reads the questions' texts (a verifier, alone or in a cascade). */
  boolean readsTexts() {
    return verifier != null;
  }

  /** Whether the decision needs the questions' embeddings (all but the verifier alone). */
  boolean readsEmbeddings() {
    return verifier == null || head != null;
  }

  /** The cascade's band, or {@code null}. */
  ModelMetadata.Cascade band() {
    return band;
  }

  /** The decision's score for two embeddings; symmetric. Not for a verifier. */
  double score(float[] u, float[] v) {
    requireEmbeddingDecision();
    return head != null ? head.probability(u, v) : function.compare(u, v);
  }

  /** The decision's score when the pair's similarity is already known. Not for a verifier. */
  double score(float[] u, float[] v, double similarity) {
    requireEmbeddingDecision();
    return head != null ? head.probability(u, v) : similarity;
  }

  /**
   * The decision a model makes with the parts it has loaded: the cascade when it has a pair head, a
   * verifier and a band; else the verifier; else the pair head; else the similarity threshold. The
   * one rule for the loader and for {@link BundledModel#decision()}.
   */
  static DuplicateDecision kindFor(boolean pairHead, boolean verifier, boolean band) {
    if (verifier) {
      return pairHead && band ? DuplicateDecision.CASCADE : DuplicateDecision.VERIFIER;
    }
    return pairHead ? DuplicateDecision.PAIR_HEAD : DuplicateDecision.SIMILARITY;
  }

  /**
   * The decision's scores of pairs: the verifier's probabilities of the texts, or the embedding
   * decision's scores of the vectors; symmetric.
   *
   * @param first the first question of each pair (may be {@code null} unless {@link #readsTexts})
   * @param second the second question of each pair (idem)
   * @param u the first question's embedding of each pair (may be {@code null} if {@link
   *     #readsTexts})
   * @param v the second question's embedding of each pair (idem)
   */
  double[] scores(List<String> first, List<String> second, float[][] u, float[][] v) {
    return scores(first, second, u, v, null);
  }

  /**
   * {@link #scores(List, List, float[][], float[][])}, the cascade given the pair head's
   * probabilities as batched matrix products compute them ({@link PairVerifier#headScores}: equal
   * to {@link PairHead#probability} up to float rounding); one within {@link PairVerifier#BORDER}
   * of the threshold or of an end of the band is computed again alone, so that rounding never
   * changes which part decides a pair, nor the decision.
   *
   * @param batchedHead the pair head's probability of each pair, or {@code null} to compute each
   *     here; read by the cascade only
   */
  double[] scores(
      List<String> first, List<String> second, float[][] u, float[][] v, double[] batchedHead) {
    if (verifier == null) {
      double[] out = new double[u.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = score(u[i], v[i]);
      }
      return out;
    }
    if (head == null) {
      return verifierScores(first, second);
    }
    double[] out = new double[u.length];
    List<Integer> unsure = new ArrayList<>();
    for (int i = 0; i < out.length; i++) {
      out[i] =
          batchedHead == null || nearAnEdge(batchedHead[i])
              ? head.probability(u[i], v[i])
              : batchedHead[i];
      if (band.contains(out[i]) || WordOrder.reordered(first.get(i), second.get(i))) {
        unsure.add(i);
      }
    }
    if (!unsure.isEmpty()) {
      List<String> a = new ArrayList<>(unsure.size());
      List<String> b = new ArrayList<>(unsure.size());
      for (int i : unsure) {
        a.add(first.get(i));
        b.add(second.get(i));
      }
      double[] p = verifierScores(a, b);
      for (int k = 0; k < p.length; k++) {
        out[unsure.get(k)] = bandScore(p[k]);
      }
    }
    return out;
  }

  private boolean nearAnEdge(double p) {
    return Math.abs(p - threshold) < PairVerifier.BORDER
        || Math.abs(p - band.lower()) < PairVerifier.BORDER
        || Math.abs(p - band.upper()) < PairVerifier.BORDER;
  }

  /** The verifier's probabilities, each as if the pair were scored alone near the threshold. */
  private double[] verifierScores(List<String> first, List<String> second) {
    double[] p = verifier.probabilities(first, second);
    if (p.length > 1) {
      for (int i = 0; i < p.length; i++) {
        if (Math.abs(p[i] - verifierThreshold) < PairVerifier.BORDER) {
          p[i] = score(first.get(i), second.get(i));
        }
      }
    }
    return p;
  }

  /**
   * A verifier probability inside the cascade's band, on the head's scale: {@code [0, t_v)} maps
   * linearly onto {@code [lower, t_h)} and {@code [t_v, 1]} onto {@code [t_h, upper]}, so the
   * verifier decides and the order of scores is kept within the band.
   */
  double bandScore(double p) {
    double th = pivot;
    double tv = verifierThreshold;
    if (p < tv) {
      double s = band.lower() + (tv <= 0 ? 0 : p / tv) * (th - band.lower());
      return Math.min(s, Math.nextDown(th));
    }
    return th + (tv >= 1 ? 1 : (p - tv) / (1 - tv)) * (band.upper() - th);
  }

  /** The verifier's probability of one pair of texts, scored alone. */
  double score(String first, String second) {
    return verifier.probabilities(List.of(first), List.of(second))[0];
  }

  private void requireEmbeddingDecision() {
    if (verifier != null) {
      throw new IllegalStateException(
          "the " + kind + " decision scores texts; call scores(first, second, u, v)");
    }
  }

  /**
   * Whether a score of this decision came from the verifier: every score of the verifier alone; in
   * the cascade, the scores inside the band (the head's lie outside it).
   */
  boolean fromVerifier(double score) {
    return verifier != null && (head == null || band.contains(score));
  }

  boolean accepts(double score) {
    return score >= threshold;
  }
}
