package dev.qsim.training;

import java.util.List;

/**
 * What a {@link SiameseTrainer#train} run produced. Immutable and thread-safe.
 *
 * @param steps optimiser steps taken in all (including those before a resume)
 * @param skippedSteps steps skipped because the loss or the gradient was non-finite (weights
 *     unchanged); a batch with nothing to learn from is a step with a zero loss, not a skipped one
 * @param epochs per-epoch reports, in order
 * @param bestEpoch the 1-based epoch whose parameters were kept (by dev selection score), or the
 *     last epoch without dev
 * @param similarityThreshold the similarity threshold calibrated on the training pairs (best
 *     balanced accuracy)
 * @param headThreshold the pair head's probability threshold calibrated likewise, or NaN without a
 *     head
 * @param candidateThreshold the similarity above which 99% of the calibration pairs the pair head
 *     accepts lie (at most {@code similarityThreshold}; {@code candidate_threshold}), or NaN
 *     without a head over the encoder's vectors
 * @param dev the kept model on the dev pairs at the calibrated thresholds, or {@code null} without
 *     dev pairs
 * @param seconds wall-clock seconds of this call
 * @param calibrationBalancedAccuracy the balanced accuracy of the similarity threshold on the
 *     calibration pairs (0.5 for a decision that separates nothing)
 * @param headCalibrationBalancedAccuracy likewise for the pair head, or NaN without a head
 */
public record TrainingResult(
    long steps,
    long skippedSteps,
    List<EpochReport> epochs,
    int bestEpoch,
    double similarityThreshold,
    double headThreshold,
    double candidateThreshold,
    Evaluation dev,
    double seconds,
    double calibrationBalancedAccuracy,
    double headCalibrationBalancedAccuracy) {

  /** Copies the list. */
  public TrainingResult {
    epochs = List.copyOf(epochs);
  }

  /**
   * One epoch's summary.
   *
   * @param epoch 1-based
   * @param step the global step count at its end
   * @param meanLoss mean training loss over its steps
   * @param dev dev metrics at its end (fitted-on-dev thresholds only), or {@code null} without dev
   *     pairs
   */
  public record EpochReport(int epoch, long step, double meanLoss, Evaluation dev) {}
}
