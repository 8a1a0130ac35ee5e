package dev.qsim.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.qsim.data.LabelledPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * One optimiser step of a {@link SiameseTrainer}, the only one: {@link SiameseTrainer#train} takes
 * it and {@link SiameseTrainer#timeSteps} times it. The batch's questions are padded and embedded
 * in one forward pass, the loss is computed, and a non-finite loss or gradient norm skips the step
 * without touching the weights (with a warning naming the epoch, step, the batch's first pair and
 * the parameters whose gradients were non-finite); otherwise gradients are clipped to the global
 * norm and AdamW updates the encoder and the head at the scheduled learning rates. Not thread-safe:
 * it uses the trainer's parameters on the trainer's thread.
 */
final class TrainingStep {
  private final SiameseTrainer t;

  TrainingStep(SiameseTrainer trainer) {
    this.t = trainer;
  }

  /** Linear warm-up to the peak, then linear decay to zero. */
  double learningRate(long step, long totalSteps) {
    long warmup = (long) Math.floor(t.config().warmupFraction() * totalSteps);
    if (step < warmup) {
      return t.config().learningRate() * (step + 1) / warmup;
    }
    long remaining = Math.max(1, totalSteps - warmup);
    return t.config().learningRate() * Math.max(0.0, (double) (totalSteps - step) / remaining);
  }

  /**
   * One optimiser step of {@link #train} on the batch {@code rows} of {@code data}: the step that
   * {@link #timeSteps} times.
   *
   * @return the loss, or NaN if the loss or gradient was non-finite (the step was skipped)
   */
  double trainStep(TrainingBatches data, int[] rows, int epoch, long step) {
    double lr = learningRate(step, data.totalSteps);
    return step(rows, data.firstIds, data.secondIds, data.labels, data.pairs, lr, epoch, step);
  }

  double step(
      int[] rows,
      long[][] firstIds,
      long[][] secondIds,
      float[] labels,
      List<LabelledPair> pairs,
      double lr,
      int epoch,
      long step) {
    Engine.getEngine(SiameseTrainer.ENGINE).setRandomSeed((int) (t.config().seed() * 31 + step));
    float[] batchLabels = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      batchLabels[i] = labels[rows[i]];
    }
    try (NDManager scope = t.manager().newSubManager()) {
      t.attachTo(scope);
      float lossValue;
      try (GradientCollector collector =
          Engine.getEngine(SiameseTrainer.ENGINE).newGradientCollector()) {
        NDArray loss = batchLoss(t, scope, rows, firstIds, secondIds, batchLabels, true, step);
        lossValue = loss.getFloat();
        if (!Float.isFinite(lossValue)) {
          warnNonFinite("loss is " + lossValue, epoch, step, pairs.get(rows[0]));
          return Double.NaN;
        }
        collector.backward(loss);
      }
      List<NDArray> grads = t.optimizer().gradients();
      double norm = AdamW.clipGlobalNorm(grads, t.config().maxGradNorm());
      if (!Double.isFinite(norm)) {
        warnNonFinite(
            "gradient norm is " + norm + " (non-finite in " + nonFiniteParameters(grads) + ")",
            epoch,
            step,
            pairs.get(rows[0]));
        AdamW.clear(grads);
        return Double.NaN;
      }
      double headLr = t.config().headLearningRate() * lr / t.config().learningRate();
      t.optimizer().update(grads, new double[] {lr, headLr});
      AdamW.zero(grads);
      return (double) lossValue;
    }
  }

  /**
   * The loss of one batch, the one formula of training steps and of {@link
   * SiameseTrainer#meanLoss}. A siamese encoder embeds the batch's first and second questions in
   * one forward pass and {@link Losses#compute} compares them (with the pair head's logits when one
   * is trained). A cross-encoder ({@link TrainableEncoder#readsPairs()}) reads each pair as one
   * sequence — in training in a seeded random order per pair ({@code firstIds} holds the pairs read
   * first-second, {@code secondIds} second-first), so that it learns both orders — and its logits
   * get the binary cross-entropy.
   *
   * @param labels the batch's labels, aligned with {@code rows}
   * @param training whether this is a training pass (dropout, gradients, random order)
   * @param step the step, seeding the order of a cross-encoder's pairs
   */
  static NDArray batchLoss(
      SiameseTrainer t,
      NDManager scope,
      int[] rows,
      long[][] firstIds,
      long[][] secondIds,
      float[] labels,
      boolean training,
      long step) {
    TrainableEncoder encoder = t.encoder();
    if (encoder.readsPairs()) {
      Random order = new Random(t.config().seed() * 31 + step);
      List<long[]> sequences = new ArrayList<>(rows.length);
      for (int row : rows) {
        sequences.add(training && order.nextBoolean() ? secondIds[row] : firstIds[row]);
      }
      NDArray logits =
          encoder.block().forward(t.store(), encoder.inputs(scope, sequences), training).head();
      return Losses.binaryCrossEntropy(logits, Losses.binaryValues(labels, t.config()));
    }
    List<long[]> sequences = new ArrayList<>(rows.length * 2);
    for (int row : rows) {
      sequences.add(firstIds[row]);
    }
    for (int row : rows) {
      sequences.add(secondIds[row]);
    }
    NDArray embeddings =
        encoder.block().forward(t.store(), encoder.inputs(scope, sequences), training).head();
    NDArray u = embeddings.get("0:" + rows.length);
    NDArray v = embeddings.get(rows.length + ":");
    NDArray logits = t.head() != null ? t.head().symmetricLogits(t.store(), u, v, training) : null;
    return Losses.compute(t.config().loss(), u, v, labels, t.config(), logits);
  }

  private void warnNonFinite(String what, int epoch, long step, LabelledPair first) {
    if (t.progress() != null) {
      t.progress()
          .printf(
              Locale.ROOT,
              "%nwarning: %s at epoch %d, step %d (batch starting with the pair at %s); step skipped,"
                  + " weights unchanged%n",
              what,
              epoch + 1,
              step + 1,
              first.location());
    }
  }

  private List<String> nonFiniteParameters(List<NDArray> grads) {
    List<String> names = new ArrayList<>();
    List<Parameter> params = t.optimizer().parameters();
    for (int i = 0; i < grads.size(); i++) {
      NDArray g = grads.get(i);
      if (g.isInfinite().any().getBoolean() || g.isNaN().any().getBoolean()) {
        names.add(params.get(i).getName());
      }
    }
    return names;
  }
}
