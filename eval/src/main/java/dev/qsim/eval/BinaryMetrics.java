package dev.qsim.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Binary classification metrics of scores against duplicate labels: the metrics at any threshold,
 * the thresholds that maximise accuracy, F1 and balanced accuracy, average precision, ROC-AUC, the
 * precision–recall and ROC curves, and score histograms.
 *
 * <p>A score at or above a threshold means "duplicate". The scores are sorted once, {@code O(n log
 * n)}; every metric is then a sweep over the distinct scores, and {@link #at(double)} a binary
 * search.
 *
 * <p><b>Fitted thresholds and ties.</b> {@link #bestAccuracy()}, {@link #bestF1()} and {@link
 * #bestBalancedAccuracy()} consider every way of splitting the sorted scores between two adjacent
 * distinct values; equal scores are never split. The threshold reported for a split is the midpoint
 * between the two adjacent distinct scores (or the higher one when the midpoint rounds down onto
 * the lower); the split that calls everything a duplicate reports the lowest score, and the split
 * that calls nothing a duplicate reports {@code Math.nextUp} of the highest score. When several
 * splits reach the same best value (compared exactly, in integer arithmetic), the lowest threshold
 * wins. Balanced accuracy does not depend on how many duplicates the data holds, which is why qsim
 * calibrates a model's threshold with {@link #bestBalancedAccuracy()}.
 *
 * <p><b>One class.</b> Data with only duplicates or only non-duplicates is accepted; {@link
 * #averagePrecision()} and {@link #rocAuc()} are then undefined and return {@link Double#NaN}, and
 * thresholded metrics follow the conventions of {@link ThresholdMetrics}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BinaryMetrics {
  private final double[] scores; // input order, -0.0 normalised to 0.0
  private final boolean[] duplicates; // input order
  private final double[] positiveScores; // ascending
  private final double[] negativeScores; // ascending
  private final ScoreGroups groups;

  private BinaryMetrics(double[] scores, boolean[] duplicates) {
    this.scores = scores;
    this.duplicates = duplicates;
    int p = 0;
    for (boolean d : duplicates) {
      if (d) {
        p++;
      }
    }
    positiveScores = new double[p];
    negativeScores = new double[scores.length - p];
    int pi = 0;
    int ni = 0;
    for (int i = 0; i < scores.length; i++) {
      if (duplicates[i]) {
        positiveScores[pi++] = scores[i];
      } else {
        negativeScores[ni++] = scores[i];
      }
    }
    Arrays.sort(positiveScores);
    Arrays.sort(negativeScores);
    groups = new ScoreGroups(positiveScores, negativeScores);
  }

  /**
   * Computes the metrics of scores against 0/1 labels.
   *
   * @param scores one score per pair; finite
   * @param labels one label per pair: {@code 1} for a duplicate, {@code 0} otherwise
   * @return the metrics
   * @throws IllegalArgumentException if the arrays are empty or differ in length, a score is NaN or
   *     infinite, or a label is not 0 or 1 (naming the index)
   */
  public static BinaryMetrics of(double[] scores, double[] labels) {
    Objects.requireNonNull(labels, "labels");
    boolean[] duplicates = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == 1) {
        duplicates[i] = true;
      } else if (labels[i] != 0) {
        throw new IllegalArgumentException(
            "label at index " + i + " must be 0 or 1, was " + labels[i]);
      }
    }
    return of(scores, duplicates);
  }

  /**
   * Computes the metrics of scores against duplicate flags.
   *
   * @param scores one score per pair; finite
   * @param duplicates one flag per pair: {@code true} for a duplicate
   * @return the metrics
   * @throws IllegalArgumentException if the arrays are empty or differ in length, or a score is NaN
   *     or infinite (naming the index)
   */
  public static BinaryMetrics of(double[] scores, boolean[] duplicates) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(duplicates, "duplicates");
    if (scores.length != duplicates.length) {
      throw new IllegalArgumentException(
          "scores and labels differ in length: " + scores.length + " vs " + duplicates.length);
    }
    if (scores.length == 0) {
      throw new IllegalArgumentException("no scores: at least one scored pair is needed");
    }
    double[] copy = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      double s = scores[i];
      if (Double.isNaN(s)) {
        throw new IllegalArgumentException("score at index " + i + " is NaN");
      }
      if (Double.isInfinite(s)) {
        throw new IllegalArgumentException("score at index " + i + " is infinite: " + s);
      }
      copy[i] = s + 0.0; // -0.0 becomes 0.0
    }
    return new BinaryMetrics(copy, duplicates.clone());
  }

  /**
   * The number of scored pairs.
   *
   * @return at least 1
   */
  public int size() {
    return scores.length;
  }

  /**
   * The number of duplicates (positive labels).
   *
   * @return the positive count
   */
  public int duplicateCount() {
    return positiveScores.length;
  }

  /**
   * The number of non-duplicates (negative labels).
   *
   * @return the negative count
   */
  public int nonDuplicateCount() {
    return negativeScores.length;
  }

  /**
   * The scores, in input order.
   *
   * @return a new array
   */
  public double[] scores() {
    return scores.clone();
  }

  /**
   * The duplicate flags, in input order.
   *
   * @return a new array
   */
  public boolean[] duplicates() {
    return duplicates.clone();
  }

  /**
   * The lowest score.
   *
   * @return the minimum
   */
  public double minScore() {
    return groups.min();
  }

  /**
   * The highest score.
   *
   * @return the maximum
   */
  public double maxScore() {
    return groups.max();
  }

  /**
   * The metrics when scores at or above {@code threshold} are called duplicates.
   *
   * @param threshold any number except NaN
   * @return the confusion counts and metrics
   * @throws IllegalArgumentException if the threshold is NaN
   */
  public ThresholdMetrics at(double threshold) {
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must not be NaN");
    }
    long tp = positiveScores.length - lowerBound(positiveScores, threshold);
    long fp = negativeScores.length - lowerBound(negativeScores, threshold);
    return new ThresholdMetrics(
        threshold, tp, fp, negativeScores.length - fp, positiveScores.length - tp);
  }

  /** The first index whose value is {@code >= key}; {@code a.length} if none. */
  private static int lowerBound(double[] a, double key) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The threshold with the highest accuracy on these pairs, and its metrics. Fitted on the data it
   * is measured on, so an optimistic estimate; see the class comment for ties.
   *
   * @return the best split's metrics
   */
  public ThresholdMetrics bestAccuracy() {
    return at(groups.bestThreshold(ScoreGroups.Objective.ACCURACY));
  }

  /**
   * The threshold with the highest F1 on these pairs, and its metrics. Fitted on the data it is
   * measured on; see the class comment for ties.
   *
   * @return the best split's metrics
   */
  public ThresholdMetrics bestF1() {
    return at(groups.bestThreshold(ScoreGroups.Objective.F1));
  }

  /**
   * The threshold with the highest balanced accuracy on these pairs, and its metrics: the
   * calibrated duplicate threshold, independent of the share of duplicates in the data. See the
   * class comment for ties.
   *
   * @return the best split's metrics
   */
  public ThresholdMetrics bestBalancedAccuracy() {
    return at(groups.bestThreshold(ScoreGroups.Objective.BALANCED_ACCURACY));
  }

  /**
   * Average precision as scikit-learn defines it: {@code sum_n (R_n - R_{n-1}) P_n} over the
   * distinct scores taken as thresholds from highest to lowest, with tied scores entering together
   * (no interpolation).
   *
   * @return the average precision, or NaN if there are no duplicates or no non-duplicates
   */
  public double averagePrecision() {
    return groups.averagePrecision;
  }

  /**
   * The area under the ROC curve: the probability that a random duplicate scores higher than a
   * random non-duplicate, ties counting one half (the Mann–Whitney statistic).
   *
   * @return the ROC-AUC, or NaN if there are no duplicates or no non-duplicates
   */
  public double rocAuc() {
    return groups.rocAuc;
  }

  /**
   * The precision–recall curve: one point per distinct score, thresholds from highest to lowest
   * (recall rising to 1).
   *
   * @return the points; precision and recall follow the conventions of {@link ThresholdMetrics}
   */
  public List<PrecisionRecallPoint> precisionRecallCurve() {
    return groups.precisionRecallCurve();
  }

  /**
   * The ROC curve: the start {@code (0, 0)} at threshold {@code +Infinity}, then one point per
   * distinct score from highest to lowest, ending at {@code (1, 1)}. A rate whose class is absent
   * is 0.
   *
   * @return the points
   */
  public List<RocPoint> rocCurve() {
    return groups.rocCurve();
  }

  /**
   * A histogram over the range of the scores, from {@link #minScore()} to {@link #maxScore()} (or
   * {@code [s, s + 1]} when every score is {@code s}).
   *
   * @param bins the number of bins, at least 1
   * @return duplicate and non-duplicate counts per bin
   */
  public ScoreHistogram histogram(int bins) {
    double lo = minScore();
    double hi = maxScore();
    return histogram(bins, lo, hi > lo ? hi : lo + 1);
  }

  /**
   * A histogram over a fixed range, e.g. {@code [-1, 1]} for cosine similarity. Scores outside the
   * range are counted in the first or last bin.
   *
   * @param bins the number of bins, at least 1
   * @param lower the lower edge; finite
   * @param upper the upper edge; finite and above {@code lower}
   * @return duplicate and non-duplicate counts per bin
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public ScoreHistogram histogram(int bins, double lower, double upper) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1, was " + bins);
    }
    if (!Double.isFinite(lower) || !Double.isFinite(upper) || !(upper > lower)) {
      throw new IllegalArgumentException(
          "need finite lower < upper, were lower=" + lower + " upper=" + upper);
    }
    long[] pos = new long[bins];
    long[] neg = new long[bins];
    double range = upper - lower;
    for (int i = 0; i < scores.length; i++) {
      // multiplying before dividing puts scores on bin edges (0.6 in [0, 1] / 5) in the right bin
      int bin = (int) Math.floor((scores[i] - lower) * bins / range);
      bin = Math.max(0, Math.min(bins - 1, bin));
      if (duplicates[i]) {
        pos[bin]++;
      } else {
        neg[bin]++;
      }
    }
    return new ScoreHistogram(lower, upper, pos, neg);
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "BinaryMetrics[pairs=%d, duplicates=%d, averagePrecision=%.4f, rocAuc=%.4f]",
        size(),
        duplicateCount(),
        averagePrecision(),
        rocAuc());
  }
}
