package dev.qsim.eval;

/**
 * The confusion counts and the metrics derived from them when scores at or above a threshold are
 * called duplicates ({@code score >= threshold}).
 *
 * <p>Conventions for empty denominators (as scikit-learn's {@code zero_division=0}): precision is
 * {@code 0} when nothing is predicted a duplicate, recall is {@code 0} when there are no
 * duplicates, F1 is {@code 0} when precision and recall are both {@code 0}. Balanced accuracy is
 * the mean of the recalls of the classes that occur, so with one class it is that class's recall.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param threshold the decision threshold: {@code score >= threshold} means duplicate
 * @param truePositives duplicates predicted duplicates
 * @param falsePositives non-duplicates predicted duplicates
 * @param trueNegatives non-duplicates predicted non-duplicates
 * @param falseNegatives duplicates predicted non-duplicates
 */
public record ThresholdMetrics(
    double threshold,
    long truePositives,
    long falsePositives,
    long trueNegatives,
    long falseNegatives) {

  /**
   * Validates the components.
   *
   * @param threshold the decision threshold: {@code score >= threshold} means duplicate
   * @param truePositives duplicates predicted duplicates
   * @param falsePositives non-duplicates predicted duplicates
   * @param trueNegatives non-duplicates predicted non-duplicates
   * @param falseNegatives duplicates predicted non-duplicates
   * @throws IllegalArgumentException if the threshold is NaN or a count is negative
   */
  public ThresholdMetrics {
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must not be NaN");
    }
    if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
      throw new IllegalArgumentException(
          "counts must be >= 0, were tp="
              + truePositives
              + " fp="
              + falsePositives
              + " tn="
              + trueNegatives
              + " fn="
              + falseNegatives);
    }
  }

  /**
   * The number of pairs.
   *
   * @return the sum of the four counts
   */
  public long total() {
    return truePositives + falsePositives + trueNegatives + falseNegatives;
  }

  /**
   * The fraction of pairs decided correctly.
   *
   * @return {@code (tp + tn) / total}, {@code 0} for no pairs
   */
  public double accuracy() {
    long n = total();
    return n == 0 ? 0 : (double) (truePositives + trueNegatives) / n;
  }

  /**
   * The fraction of predicted duplicates that are duplicates.
   *
   * @return {@code tp / (tp + fp)}, {@code 0} when nothing is predicted a duplicate
   */
  public double precision() {
    long d = truePositives + falsePositives;
    return d == 0 ? 0 : (double) truePositives / d;
  }

  /**
   * The fraction of duplicates found (true positive rate).
   *
   * @return {@code tp / (tp + fn)}, {@code 0} when there are no duplicates
   */
  public double recall() {
    long d = truePositives + falseNegatives;
    return d == 0 ? 0 : (double) truePositives / d;
  }

  /**
   * The fraction of non-duplicates recognised (true negative rate).
   *
   * @return {@code tn / (tn + fp)}, {@code 0} when there are no non-duplicates
   */
  public double specificity() {
    long d = trueNegatives + falsePositives;
    return d == 0 ? 0 : (double) trueNegatives / d;
  }

  /**
   * The harmonic mean of precision and recall.
   *
   * @return {@code 2 tp / (2 tp + fp + fn)}, {@code 0} when {@code tp = 0}
   */
  public double f1() {
    long d = 2 * truePositives + falsePositives + falseNegatives;
    return truePositives == 0 ? 0 : (double) (2 * truePositives) / d;
  }

  /**
   * The mean of recall and specificity: accuracy as if both classes were equally frequent.
   *
   * @return {@code (recall + specificity) / 2}; with only one class present, that class's recall
   */
  public double balancedAccuracy() {
    long positives = truePositives + falseNegatives;
    long negatives = trueNegatives + falsePositives;
    if (positives == 0) {
      return specificity();
    }
    if (negatives == 0) {
      return recall();
    }
    return (recall() + specificity()) / 2;
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "threshold=%.6f accuracy=%.4f precision=%.4f recall=%.4f f1=%.4f balancedAccuracy=%.4f"
            + " (tp=%d fp=%d tn=%d fn=%d)",
        threshold,
        accuracy(),
        precision(),
        recall(),
        f1(),
        balancedAccuracy(),
        truePositives,
        falsePositives,
        trueNegatives,
        falseNegatives);
  }
}
