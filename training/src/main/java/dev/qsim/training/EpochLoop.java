package dev.qsim.training;

import dev.qsim.ProgressListener;
import dev.qsim.data.LabelledPair;
import dev.qsim.eval.BinaryMetrics;
import java.util.List;
import java.util.Locale;

/**
 * The epochs of a {@link SiameseTrainer} run: resuming from the latest checkpoint when asked, each
 * step reported to the listener, stopping after {@value SiameseTrainer#MAX_NON_FINITE_IN_A_ROW}
 * non-finite steps in a row, checkpoints every few steps and at each epoch end, the dev pairs
 * scored after each epoch and the best epoch's parameters restored at the end. The trainer's
 * settings for this (listener, checkpoints) live here. Not thread-safe: the trainer's thread drives
 * it.
 */
final class EpochLoop {
  private final SiameseTrainer trainer;
  private final TrainingStep stepper;
  ProgressListener listener = ProgressListener.NONE;
  Checkpoints checkpoints;
  boolean resume;
  boolean ignoreDataChange;
  long stopAfterStep = Long.MAX_VALUE;

  EpochLoop(SiameseTrainer trainer, TrainingStep stepper) {
    this.trainer = trainer;
    this.stepper = stepper;
  }

  /**
   * Trains on {@code data}, whose pairs are {@code usable}, for the configured epochs.
   *
   * @return the state after the last epoch, with the per-epoch reports and the best epoch
   */
  Checkpoints.State run(List<LabelledPair> usable, TrainingBatches data, List<LabelledPair> dev) {
    TrainingConfig config = trainer.config();
    if (checkpoints != null) {
      checkpoints.trainingData(TrainingPairs.fingerprint(usable), ignoreDataChange);
      checkpoints.removeStale();
    }
    Checkpoints.State state = new Checkpoints.State();
    byte[][] best = null;
    if (resume && checkpoints != null) {
      Checkpoints.Loaded loaded = checkpoints.loadLatest(trainer);
      if (loaded != null) {
        state = loaded.state();
        best = loaded.best();
        trainer.requireGradients();
        if (trainer.progress() != null) {
          trainer
              .progress()
              .printf(
                  Locale.ROOT,
                  "Resumed from %s at epoch %d, step %d%n",
                  loaded.directory(),
                  state.epoch + 1,
                  state.step);
        }
      }
    }
    List<TrainingResult.EpochReport> reports = state.reports;
    int nonFiniteInARow = 0;
    for (int epoch = state.epoch; epoch < config.epochs(); epoch++) {
      int[] order = data.order(epoch);
      int startBatch = epoch == state.epoch ? state.batchInEpoch : 0;
      double lossSum = epoch == state.epoch ? state.epochLossSum : 0;
      int lossCount = epoch == state.epoch ? state.epochLossCount : 0;
      for (int b = startBatch; b < data.stepsPerEpoch; b++) {
        int[] rows = data.rows(order, b);
        double loss = stepper.trainStep(data, rows, epoch, state.step);
        state.step++;
        boolean finite = !Double.isNaN(loss);
        if (!finite) {
          if (++nonFiniteInARow >= SiameseTrainer.MAX_NON_FINITE_IN_A_ROW) {
            throw new TrainingException(
                "Training stopped: "
                    + nonFiniteInARow
                    + " steps in a row with a non-finite loss or gradient, the last at epoch "
                    + (epoch + 1)
                    + ", step "
                    + state.step
                    + ". Lower --lr, keep gradient clipping on (--max-grad-norm), or resume from"
                    + " the last checkpoint.");
          }
          state.skipped++;
        } else {
          nonFiniteInARow = 0;
          lossSum += loss;
          lossCount++;
        }
        state.batchInEpoch = b + 1;
        state.epoch = epoch;
        state.epochLossSum = lossSum;
        state.epochLossCount = lossCount;
        listener.update("training", state.step, data.totalSteps);
        if (checkpoints != null
            && config.checkpointEvery() > 0
            && state.step % config.checkpointEvery() == 0
            && b + 1 < data.stepsPerEpoch) {
          checkpoints.save(trainer, state, reports, best);
        }
        if (state.step >= stopAfterStep) {
          throw new TrainingException("Stopped after step " + state.step + " as asked");
        }
      }
      Evaluation devEval = dev.isEmpty() ? null : trainer.evaluate(dev, Double.NaN, Double.NaN);
      double meanLoss = lossCount == 0 ? Double.NaN : lossSum / lossCount;
      reports.add(new TrainingResult.EpochReport(epoch + 1, state.step, meanLoss, devEval));
      double score = devEval == null ? epoch : devEval.selectionScore();
      if (trainer.progress() != null) {
        trainer.progress().println(epochLine(epoch + 1, meanLoss, devEval));
      }
      if (best == null || score > state.bestScore || Double.isNaN(state.bestScore)) {
        state.bestScore = score;
        state.bestEpoch = epoch + 1;
        best = Checkpoints.snapshot(trainer);
      }
      state.epoch = epoch + 1;
      state.batchInEpoch = 0;
      state.epochLossSum = 0;
      state.epochLossCount = 0;
      if (checkpoints != null) {
        checkpoints.save(trainer, state, reports, best);
      }
    }
    if (best != null) {
      Checkpoints.restore(trainer, best);
      trainer.requireGradients();
    }
    return state;
  }

  private static String epochLine(int epoch, double loss, Evaluation dev) {
    StringBuilder s =
        new StringBuilder(String.format(Locale.ROOT, "epoch %d: mean loss %.4f", epoch, loss));
    if (dev != null) {
      BinaryMetrics d = dev.deciding();
      s.append(
          String.format(
              Locale.ROOT,
              "; dev (%s, thresholds fitted on dev) accuracy %.4f, F1 %.4f, AP %.4f",
              dev.pairHead() != null ? "pair head" : "similarity",
              d.bestAccuracy().accuracy(),
              d.bestF1().f1(),
              d.averagePrecision()));
      if (!Double.isNaN(dev.spearman())) {
        s.append(String.format(Locale.ROOT, ", Spearman %.4f", dev.spearman()));
      }
    }
    return s.toString();
  }
}
