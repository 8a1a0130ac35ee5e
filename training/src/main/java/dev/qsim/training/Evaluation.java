package dev.qsim.training;

import dev.qsim.eval.BinaryMetrics;
import dev.qsim.eval.ThresholdMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a model under training scores a labelled pair set: the similarity's metrics, the pair head's
 * when there is one, and, for graded labels, rank and linear correlation. Best-threshold figures
 * are those of thresholds fitted on the evaluated pairs themselves; {@link #decision} holds the
 * metrics at the thresholds calibrated on the training data. Immutable and thread-safe.
 *
 * @param pairs how many pairs were scored
 * @param similarity metrics of the similarity (duplicates: label at least half the label maximum)
 * @param pairHead metrics of the pair head's probability, or {@code null} without a head
 * @param pearson Pearson correlation of similarity and label
 * @param spearman Spearman correlation of similarity and label
 * @param decision the model's own decision metrics at its calibrated threshold, or {@code null}
 *     before calibration
 */
public record Evaluation(
    int pairs,
    BinaryMetrics similarity,
    BinaryMetrics pairHead,
    double pearson,
    double spearman,
    ThresholdMetrics decision) {

  /**
   * The metrics the duplicate decision uses: the head's if there is one, else the similarity's.
   *
   * @return the deciding score's metrics
   */
  public BinaryMetrics deciding() {
    return pairHead != null ? pairHead : similarity;
  }

  /**
   * The model-selection score (higher is better): Spearman's correlation for graded labels, else
   * the average precision of the deciding score.
   *
   * @return the score
   */
  public double selectionScore() {
    return Double.isNaN(spearman) ? deciding().averagePrecision() : spearman;
  }

  /**
   * The figures recorded in the model's {@code metrics} (docs/model-format.md), snake_case keys.
   *
   * @return name to value
   */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (decision != null) {
      m.put("accuracy", decision.accuracy());
      m.put("f1", decision.f1());
      m.put("precision", decision.precision());
      m.put("recall", decision.recall());
      m.put("threshold", decision.threshold());
    }
    BinaryMetrics d = deciding();
    m.put("average_precision", d.averagePrecision());
    m.put("roc_auc", d.rocAuc());
    m.put("best_accuracy_on_this_data", d.bestAccuracy().accuracy());
    m.put("best_accuracy_threshold", d.bestAccuracy().threshold());
    m.put("best_f1_on_this_data", d.bestF1().f1());
    m.put("best_f1_threshold", d.bestF1().threshold());
    if (pairHead != null) {
      m.put("similarity_average_precision", similarity.averagePrecision());
      m.put("similarity_best_accuracy_on_this_data", similarity.bestAccuracy().accuracy());
    }
    if (!Double.isNaN(spearman)) {
      m.put("pearson", pearson);
      m.put("spearman", spearman);
    }
    m.put("pairs", pairs);
    return m;
  }
}
