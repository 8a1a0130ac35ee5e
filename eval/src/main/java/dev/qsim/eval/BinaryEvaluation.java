package dev.qsim.eval;

import java.util.Objects;

/**
 * How well a model decides duplicates on labelled pairs: its own decision ({@link
 * dev.qsim.QuestionSimilarity#isDuplicate(String, String)}, i.e. {@code duplicateScore >=
 * duplicateThreshold()}), the threshold-free ranking metrics, and — for reference only — the best
 * that a threshold fitted on these same pairs could do.
 *
 * <p>The {@code fitted*} metrics choose their threshold on the evaluated data, so they are
 * optimistic; only {@link #modelDecision()} measures the model as shipped.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param pairs the number of pairs evaluated
 * @param duplicates how many of them are labelled duplicates
 * @param pairHead whether the scores are pair-head probabilities rather than similarities
 * @param threshold the model's own decision threshold ({@code duplicateThreshold()})
 * @param modelDecision accuracy, precision, recall, F1 and balanced accuracy of the model's own
 *     decision at {@code threshold}
 * @param averagePrecision average precision of the duplicate scores (NaN with one class)
 * @param rocAuc ROC-AUC of the duplicate scores (NaN with one class)
 * @param fittedBestAccuracy the accuracy-maximising threshold fitted on these pairs, and its
 *     metrics
 * @param fittedBestF1 the F1-maximising threshold fitted on these pairs, and its metrics
 * @param fittedBestBalancedAccuracy the balanced-accuracy-maximising threshold fitted on these
 *     pairs (what calibration would choose), and its metrics
 * @param scores the scores and labels, for curves and histograms
 */
public record BinaryEvaluation(
    int pairs,
    int duplicates,
    boolean pairHead,
    double threshold,
    ThresholdMetrics modelDecision,
    double averagePrecision,
    double rocAuc,
    ThresholdMetrics fittedBestAccuracy,
    ThresholdMetrics fittedBestF1,
    ThresholdMetrics fittedBestBalancedAccuracy,
    BinaryMetrics scores)
    implements EvaluationResult {

  /**
   * Validates the components.
   *
   * @param pairs the number of pairs evaluated
   * @param duplicates how many of them are labelled duplicates
   * @param pairHead whether the scores are pair-head probabilities rather than similarities
   * @param threshold the model's own decision threshold ({@code duplicateThreshold()})
   * @param modelDecision accuracy, precision, recall, F1 and balanced accuracy of the model's own
   *     decision at {@code threshold}
   * @param averagePrecision average precision of the duplicate scores (NaN with one class)
   * @param rocAuc ROC-AUC of the duplicate scores (NaN with one class)
   * @param fittedBestAccuracy the accuracy-maximising threshold fitted on these pairs, and its
   *     metrics
   * @param fittedBestF1 the F1-maximising threshold fitted on these pairs, and its metrics
   * @param fittedBestBalancedAccuracy the balanced-accuracy-maximising threshold fitted on these
   *     pairs (what calibration would choose), and its metrics
   * @param scores the scores and labels, for curves and histograms
   * @throws NullPointerException naming a null component
   */
  public BinaryEvaluation {
    Objects.requireNonNull(modelDecision, "modelDecision");
    Objects.requireNonNull(fittedBestAccuracy, "fittedBestAccuracy");
    Objects.requireNonNull(fittedBestF1, "fittedBestF1");
    Objects.requireNonNull(fittedBestBalancedAccuracy, "fittedBestBalancedAccuracy");
    Objects.requireNonNull(scores, "scores");
  }

  /**
   * Summarises the scores of a model whose decision threshold is {@code threshold}.
   *
   * @param scores the duplicate scores and labels
   * @param threshold the model's decision threshold
   * @param pairHead whether the scores are pair-head probabilities
   * @return the evaluation
   */
  public static BinaryEvaluation of(BinaryMetrics scores, double threshold, boolean pairHead) {
    Objects.requireNonNull(scores, "scores");
    return new BinaryEvaluation(
        scores.size(),
        scores.duplicateCount(),
        pairHead,
        threshold,
        scores.at(threshold),
        scores.averagePrecision(),
        scores.rocAuc(),
        scores.bestAccuracy(),
        scores.bestF1(),
        scores.bestBalancedAccuracy(),
        scores);
  }

  /**
   * The balanced accuracy of {@link #fittedBestBalancedAccuracy()}, or {@link Double#NaN} when the
   * pairs hold only one class: then the threshold that calls every pair that class trivially scores
   * 1, and the value says nothing about the model (as {@link #averagePrecision()} and {@link
   * #rocAuc()}, it is undefined).
   *
   * @return the best balanced accuracy a fitted threshold reaches, or NaN with one class
   */
  public double bestBalancedAccuracy() {
    if (duplicates == 0 || duplicates == pairs) {
      return Double.NaN;
    }
    return fittedBestBalancedAccuracy.balancedAccuracy();
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "BinaryEvaluation[pairs=%d, duplicates=%d, pairHead=%s, threshold=%.6f,"
            + " accuracy=%.4f, precision=%.4f, recall=%.4f, f1=%.4f, balancedAccuracy=%.4f,"
            + " averagePrecision=%.4f, rocAuc=%.4f, fittedBestAccuracy=%.4f@%.6f,"
            + " fittedBestF1=%.4f@%.6f, fittedBestBalancedAccuracy=%.4f@%.6f]",
        pairs,
        duplicates,
        pairHead,
        threshold,
        modelDecision.accuracy(),
        modelDecision.precision(),
        modelDecision.recall(),
        modelDecision.f1(),
        modelDecision.balancedAccuracy(),
        averagePrecision,
        rocAuc,
        fittedBestAccuracy.accuracy(),
        fittedBestAccuracy.threshold(),
        fittedBestF1.f1(),
        fittedBestF1.threshold(),
        bestBalancedAccuracy(),
        fittedBestBalancedAccuracy.threshold());
  }
}
