package dev.qsim.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of one {@link SiameseTrainer} run. Immutable and thread-safe; build one with {@link
 * #builder()}.
 *
 * @param loss the objective
 * @param epochs passes over the training pairs, at least 1
 * @param batchSize pairs per step, at least 2
 * @param learningRate peak AdamW learning rate of the encoder (linear warm-up, then linear decay to
 *     0)
 * @param headLearningRate peak learning rate of the pair head ({@link PairLoss#SOFTMAX_HEAD} only)
 * @param weightDecay decoupled AdamW weight decay, applied to weight matrices only (never to biases
 *     or norms)
 * @param warmupFraction fraction of all steps spent warming the learning rate up, in [0, 1)
 * @param maxGradNorm gradients are rescaled so that their global L2 norm is at most this; 0
 *     disables clipping
 * @param maxLength most tokens per question, special tokens included
 * @param seed seeds shuffling, initialisation and the engine's random generator
 * @param margin the contrastive margin on the cosine distance
 * @param labelMax the largest label value: scores are divided by it for {@link PairLoss#COSINE_MSE}
 *     (5 for STS-B), and labels {@code >= labelMax / 2} count as duplicates for the binary losses
 *     and metrics
 * @param headHidden hidden units of the pair head
 * @param checkpointEvery write a checkpoint every this many steps (0: only at the end of each
 *     epoch)
 */
public record TrainingConfig(
    PairLoss loss,
    int epochs,
    int batchSize,
    double learningRate,
    double headLearningRate,
    double weightDecay,
    double warmupFraction,
    double maxGradNorm,
    int maxLength,
    long seed,
    double margin,
    double labelMax,
    int headHidden,
    int checkpointEvery) {

  /** Validates every value, naming the one that is wrong. */
  public TrainingConfig {
    Objects.requireNonNull(loss, "loss");
    check(epochs >= 1, "epochs", epochs);
    check(batchSize >= 2, "batchSize", batchSize);
    check(learningRate > 0 && Double.isFinite(learningRate), "learningRate", learningRate);
    check(
        headLearningRate > 0 && Double.isFinite(headLearningRate),
        "headLearningRate",
        headLearningRate);
    check(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay", weightDecay);
    check(warmupFraction >= 0 && warmupFraction < 1, "warmupFraction", warmupFraction);
    check(maxGradNorm >= 0 && Double.isFinite(maxGradNorm), "maxGradNorm", maxGradNorm);
    check(maxLength >= 3, "maxLength", maxLength);
    check(margin > 0 && Double.isFinite(margin), "margin", margin);
    check(labelMax > 0 && Double.isFinite(labelMax), "labelMax", labelMax);
    check(headHidden >= 1, "headHidden", headHidden);
    check(checkpointEvery >= 0, "checkpointEvery", checkpointEvery);
  }

  private static void check(boolean ok, String name, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("Invalid training setting " + name + ": " + value);
    }
  }

  /**
   * A builder with the defaults: online contrastive, 1 epoch, batch 32, lr 2e-5, head lr 1e-3,
   * weight decay 0.01, 10% warm-up, clipping at norm 1, 48 tokens, seed 42, margin 0.5, binary
   * labels, 256 hidden units, checkpoints at epoch ends.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this configuration.
   *
   * @return a new builder holding these values
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.loss = loss;
    b.epochs = epochs;
    b.batchSize = batchSize;
    b.learningRate = learningRate;
    b.headLearningRate = headLearningRate;
    b.weightDecay = weightDecay;
    b.warmupFraction = warmupFraction;
    b.maxGradNorm = maxGradNorm;
    b.maxLength = maxLength;
    b.seed = seed;
    b.margin = margin;
    b.labelMax = labelMax;
    b.headHidden = headHidden;
    b.checkpointEvery = checkpointEvery;
    return b;
  }

  /**
   * The one rule of the training module for "is a duplicate": {@code label >= labelMax / 2}. For
   * binary data (labelMax 1) that is label 1; for graded STS-B scores (labelMax 5) a score of 2.5
   * or more. Losses, model selection, calibration and the report all use it.
   *
   * @param label a pair's label
   * @return whether the pair counts as a duplicate
   */
  public boolean isDuplicate(double label) {
    return label >= labelMax / 2;
  }

  /**
   * The settings as an ordered map of JSON-friendly values (recorded as provenance in the exported
   * model).
   *
   * @return name to value
   */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("loss", loss.id());
    m.put("epochs", epochs);
    m.put("batch_size", batchSize);
    m.put("learning_rate", learningRate);
    m.put("head_learning_rate", headLearningRate);
    m.put("weight_decay", weightDecay);
    m.put("warmup_fraction", warmupFraction);
    m.put("max_grad_norm", maxGradNorm);
    m.put("max_length", maxLength);
    m.put("seed", seed);
    m.put("margin", margin);
    m.put("label_max", labelMax);
    m.put("head_hidden", headHidden);
    m.put("checkpoint_every", checkpointEvery);
    return m;
  }

  /** Builds a {@link TrainingConfig}; not thread-safe. */
  public static final class Builder {
    private PairLoss loss = PairLoss.ONLINE_CONTRASTIVE;
    private int epochs = 1;
    private int batchSize = 32;
    private double learningRate = 2e-5;
    private double headLearningRate = 1e-3;
    private double weightDecay = 0.01;
    private double warmupFraction = 0.1;
    private double maxGradNorm = 1.0;
    private int maxLength = 48;
    private long seed = 42;
    private double margin = 0.5;
    private double labelMax = 1;
    private int headHidden = 256;
    private int checkpointEvery;

    private Builder() {}

    /**
     * Sets the objective.
     *
     * @param value the loss
     * @return this builder
     */
    public Builder loss(PairLoss value) {
      loss = value;
      return this;
    }

    /**
     * Sets the number of epochs.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder epochs(int value) {
      epochs = value;
      return this;
    }

    /**
     * Sets the pairs per step.
     *
     * @param value at least 2
     * @return this builder
     */
    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    /**
     * Sets the encoder's peak learning rate.
     *
     * @param value positive
     * @return this builder
     */
    public Builder learningRate(double value) {
      learningRate = value;
      return this;
    }

    /**
     * Sets the pair head's peak learning rate.
     *
     * @param value positive
     * @return this builder
     */
    public Builder headLearningRate(double value) {
      headLearningRate = value;
      return this;
    }

    /**
     * Sets the decoupled weight decay.
     *
     * @param value non-negative
     * @return this builder
     */
    public Builder weightDecay(double value) {
      weightDecay = value;
      return this;
    }

    /**
     * Sets the warm-up fraction.
     *
     * @param value in [0, 1)
     * @return this builder
     */
    public Builder warmupFraction(double value) {
      warmupFraction = value;
      return this;
    }

    /**
     * Sets the global gradient norm limit.
     *
     * @param value non-negative; 0 disables clipping
     * @return this builder
     */
    public Builder maxGradNorm(double value) {
      maxGradNorm = value;
      return this;
    }

    /**
     * Sets the most tokens per question.
     *
     * @param value at least 3
     * @return this builder
     */
    public Builder maxLength(int value) {
      maxLength = value;
      return this;
    }

    /**
     * Sets the seed.
     *
     * @param value any
     * @return this builder
     */
    public Builder seed(long value) {
      seed = value;
      return this;
    }

    /**
     * Sets the contrastive margin.
     *
     * @param value positive
     * @return this builder
     */
    public Builder margin(double value) {
      margin = value;
      return this;
    }

    /**
     * Sets the largest label value (5 for STS-B).
     *
     * @param value positive
     * @return this builder
     */
    public Builder labelMax(double value) {
      labelMax = value;
      return this;
    }

    /**
     * Sets the pair head's hidden units.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder headHidden(int value) {
      headHidden = value;
      return this;
    }

    /**
     * Sets the checkpoint interval in steps.
     *
     * @param value non-negative; 0: at epoch ends only
     * @return this builder
     */
    public Builder checkpointEvery(int value) {
      checkpointEvery = value;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the invalid setting
     */
    public TrainingConfig build() {
      return new TrainingConfig(
          loss,
          epochs,
          batchSize,
          learningRate,
          headLearningRate,
          weightDecay,
          warmupFraction,
          maxGradNorm,
          maxLength,
          seed,
          margin,
          labelMax,
          headHidden,
          checkpointEvery);
    }
  }
}
