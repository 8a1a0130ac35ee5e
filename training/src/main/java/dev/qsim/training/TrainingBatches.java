package dev.qsim.training;

import dev.qsim.data.LabelledPair;
import java.util.Arrays;
import java.util.List;

/**
 * The tokenised training pairs of a {@link SiameseTrainer} run, their labels and the batch layout
 * of every epoch (a seeded shuffle per epoch, then consecutive batches; the remainder is left out).
 * Not thread-safe.
 */
final class TrainingBatches {
  private final TrainingConfig config;

  final List<LabelledPair> pairs;
  final float[] labels;
  final long[][] firstIds;
  final long[][] secondIds;
  final int batch;
  final int stepsPerEpoch;
  final long totalSteps;

  TrainingBatches(
      List<LabelledPair> usable, long[][] firstIds, long[][] secondIds, TrainingConfig config) {
    this.config = config;
    this.pairs = usable;
    this.labels = new float[usable.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (float) usable.get(i).label();
    }
    this.firstIds = firstIds;
    this.secondIds = secondIds;
    this.batch = Math.min(config.batchSize(), usable.size());
    this.stepsPerEpoch = usable.size() / batch;
    this.totalSteps = (long) stepsPerEpoch * config.epochs();
  }

  /** The epoch's order of the pairs: a Fisher–Yates shuffle seeded with {@code seed + epoch}. */
  int[] order(int epoch) {
    return TrainingData.shuffled(pairs.size(), config.seed() + epoch);
  }

  /** The pairs of batch {@code b} in an epoch's order. */
  int[] rows(int[] order, int b) {
    return Arrays.copyOfRange(order, b * batch, (b + 1) * batch);
  }

  /** One training step on batch {@code rows}: the loss, or NaN if it was skipped as non-finite. */
  @FunctionalInterface
  interface Step {
    double run(TrainingBatches data, int[] rows, int epoch, long step);
  }

  /**
   * Times the first {@code warmup + measured} steps of training on these batches, in the order
   * training takes them.
   */
  StepTimes time(Step step, int warmup, int measured) {
    if (stepsPerEpoch < 1) {
      throw new IllegalArgumentException("Need at least one batch of training pairs");
    }
    double[] seconds = new double[measured];
    double[] cpu = new double[measured];
    double[] losses = new double[measured];
    int nonFinite = 0;
    int[] order = null;
    for (int s = 0; s < warmup + measured; s++) {
      int epoch = s / stepsPerEpoch;
      if (s % stepsPerEpoch == 0) {
        order = order(epoch);
      }
      int[] rows = rows(order, s % stepsPerEpoch);
      long cpuStart = StepTimes.processCpuNanos();
      long start = System.nanoTime();
      double loss = step.run(this, rows, epoch, s);
      long wall = System.nanoTime() - start;
      long cpuUsed = StepTimes.processCpuNanos() - cpuStart;
      if (Double.isNaN(loss)) {
        nonFinite++;
      }
      if (s >= warmup) {
        seconds[s - warmup] = wall / 1e9;
        cpu[s - warmup] = cpuUsed / 1e9;
        losses[s - warmup] = loss;
      }
    }
    return new StepTimes(batch, seconds, cpu, losses, nonFinite);
  }
}
