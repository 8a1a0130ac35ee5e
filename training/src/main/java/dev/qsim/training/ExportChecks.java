package dev.qsim.training;

import java.util.Locale;

/**
 * The checks a trained model passes before {@code qsim-train} exports it: training did not diverge
 * and the calibrated decision separates the classes of the calibration pairs. A model that fails
 * either is refused with a {@link TrainingException} saying why; nothing is written. Stateless.
 */
final class ExportChecks {
  /**
   * The lowest best balanced accuracy on the calibration pairs a model may have: 0.5 is what a
   * constant decision gets (every pair a duplicate, or none), so a model at or near it has learned
   * nothing it can decide with.
   */
  static final double MIN_BALANCED_ACCURACY = 0.55;

  private ExportChecks() {}

  /**
   * Refuses a result whose training diverged or whose calibration is degenerate.
   *
   * @param result the run's result
   * @throws TrainingException naming what is wrong
   */
  static void requireUsable(TrainingResult result) {
    for (TrainingResult.EpochReport e : result.epochs()) {
      if (!Double.isFinite(e.meanLoss())) {
        throw new TrainingException(
            String.format(
                Locale.ROOT,
                "Not writing the model: training diverged (epoch %d's mean loss is %s). Lower"
                    + " --lr, keep --max-grad-norm on.",
                e.epoch(),
                e.meanLoss()));
      }
    }
    if (result.steps() > 0 && result.skippedSteps() * 2 > result.steps()) {
      throw new TrainingException(
          String.format(
              Locale.ROOT,
              "Not writing the model: %d of %d steps had a non-finite loss or gradient. Lower"
                  + " --lr.",
              result.skippedSteps(),
              result.steps()));
    }
    check("similarity", result.similarityThreshold(), result.calibrationBalancedAccuracy());
    if (!Double.isNaN(result.headThreshold())) {
      check("pair-head", result.headThreshold(), result.headCalibrationBalancedAccuracy());
    }
  }

  private static void check(String what, double threshold, double balancedAccuracy) {
    if (!Double.isFinite(threshold)
        || Double.isNaN(balancedAccuracy)
        || balancedAccuracy < MIN_BALANCED_ACCURACY) {
      throw new TrainingException(
          String.format(
              Locale.ROOT,
              "Not writing the model: its %s decision is degenerate: the best threshold on the"
                  + " calibration pairs (%s) reaches a balanced accuracy of only %.4f (0.5 is"
                  + " what calling every pair a duplicate, or none, gets; at least %.2f is"
                  + " needed). Training diverged (lower --lr) or learned nothing from this data"
                  + " (more pairs, both classes, more epochs).",
              what,
              threshold,
              balancedAccuracy,
              MIN_BALANCED_ACCURACY));
    }
  }
}
