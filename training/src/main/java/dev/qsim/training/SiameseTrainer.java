package dev.qsim.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.qsim.ProgressListener;
import dev.qsim.data.LabelledPair;
import dev.qsim.eval.Calibration;
import dev.qsim.eval.ThresholdMetrics;
import dev.qsim.onnx.internal.DjlSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Trains a siamese encoder on labelled question pairs: ONE {@link TrainableEncoder} block embeds
 * both questions of every pair (shared weights), a {@link PairLoss} compares the two embeddings
 * with the label, and AdamW updates the weights.
 *
 * <p>Each step: the batch's questions are padded per batch and embedded in one forward pass; the
 * loss and the gradient norm are checked to be finite (a step where either is not is skipped
 * without touching the weights, and reported with the epoch, step, the batch's first source line
 * and the parameters whose gradients were non-finite; {@value #MAX_NON_FINITE_IN_A_ROW} such steps
 * in a row stop training with a {@link TrainingException}); gradients are clipped to a global L2
 * norm; AdamW updates the encoder (and the pair head at its own learning rate) with linear warm-up
 * and decay; every temporary array lives in a per-step sub-manager. Shuffling uses {@code seed +
 * epoch}, and the engine's generator is reseeded from {@code seed} and the step, so a run resumed
 * from a checkpoint replays the same batches and dropout masks.
 *
 * <p>After each epoch the dev pairs are scored and the epoch with the best {@link
 * Evaluation#selectionScore()} is kept. At the end the kept parameters are restored and the
 * duplicate thresholds are calibrated on the training pairs (best balanced accuracy, so independent
 * of the duplicate rate), then the dev pairs are scored at those thresholds.
 *
 * <p>Not thread-safe: one thread drives a trainer. It owns the PyTorch manager holding the
 * parameters it initialises and the optimiser state; close it when done (after exporting).
 */
public final class SiameseTrainer implements AutoCloseable {
  static final String ENGINE = "PyTorch";

  /** Steps in a row with a non-finite loss or gradient after which training stops. */
  static final int MAX_NON_FINITE_IN_A_ROW = 3;

  private final TrainableEncoder encoder;
  private final QuestionTokenizer tokenizer;
  private final TrainingConfig config;
  private final NDManager manager;
  private final ParameterStore store;
  private final PairHead head;
  private final AdamW optimizer;
  private final PairScoring scoring = new PairScoring(this);
  private final TrainingStep stepper = new TrainingStep(this);
  private final EpochLoop epochs = new EpochLoop(this, stepper);
  private PrintStream progress;
  private boolean closed;

  /**
   * Creates a trainer, initialising the encoder's parameters if they are not yet (seeded by {@code
   * config.seed()}), and the pair head when the loss trains one.
   *
   * @param encoder the shared encoder
   * @param tokenizer turns questions into the encoder's inputs
   * @param config the settings
   */
  public SiameseTrainer(
      TrainableEncoder encoder, QuestionTokenizer tokenizer, TrainingConfig config) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.config = Objects.requireNonNull(config, "config");
    configureEngine();
    Engine engine = Engine.getEngine(ENGINE);
    engine.setRandomSeed((int) config.seed());
    this.manager = NDManager.newBaseManager(ENGINE);
    this.store = new ParameterStore(manager, false);
    if (!encoder.block().isInitialized()) {
      encoder.block().initialize(manager, DataType.FLOAT32, new Shape(2, 8), new Shape(2, 8));
    }
    this.head =
        config.loss().trainsHead()
            ? new PairHead(encoder.dimension(), config.headHidden()).initialize(manager)
            : null;
    this.optimizer = new AdamW(manager, config.weightDecay());
    optimizer.add(encoder.block().getParameters().values(), 0);
    if (head != null) {
      optimizer.add(head.block().getParameters().values(), 1);
    }
    requireGradients();
  }

  /**
   * Sets {@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true} unless already set (qsim's
   * one rule, shared with the ONNX Runtime loader), so that DJL never downloads or reports.
   * PyTorch's thread counts are the application's to choose: DJL reads them once per JVM, from the
   * system properties {@code ai.djl.pytorch.num_threads} and {@code
   * ai.djl.pytorch.num_interop_threads}, when the engine starts (libtorch's thread pools are
   * process-wide), so no trainer can set them per run; {@code qsim-train} sets them in its entry
   * point ({@link TrainCommand#pinEngineThreads}).
   */
  public static void configureEngine() {
    DjlSettings.offline();
  }

  void requireGradients() {
    for (Parameter p : optimizer.parameters()) {
      p.getArray().setRequiresGradient(true);
    }
  }

  /**
   * Where the trainer's messages go (a resumed run, each epoch's summary, skipped steps, the
   * calibration); {@code null}, the default: nowhere.
   *
   * @param out the stream
   * @return this trainer
   */
  public SiameseTrainer progressTo(PrintStream out) {
    this.progress = out;
    return this;
  }

  /**
   * Receives the training progress: stage {@code "training"}, steps done of all epochs' steps (show
   * it with {@link dev.qsim.io.TextProgress}). Default: {@link ProgressListener#NONE}.
   *
   * @param listener the listener
   * @return this trainer
   */
  public SiameseTrainer reportTo(ProgressListener listener) {
    epochs.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Writes checkpoints under {@code directory} (every {@link TrainingConfig#checkpointEvery()}
   * steps and at each epoch end) and, if {@code resume}, continues from the latest one there:
   * parameters, optimiser moments and step count, epoch and position within it, the best epoch so
   * far and its parameters, and the per-epoch losses.
   *
   * @param directory the checkpoint directory (created if missing)
   * @param resume whether to continue from the latest checkpoint in it
   * @return this trainer
   */
  public SiameseTrainer checkpointTo(Path directory, boolean resume) {
    return checkpointTo(directory, resume, false);
  }

  /**
   * As {@link #checkpointTo(Path, boolean)}; checkpoints also record the training data (source
   * files, pair count and a SHA-256 of the pairs), and resuming from a checkpoint of other data is
   * refused unless {@code ignoreDataChange}. Stale temporaries a killed run left in {@code
   * directory} are removed when training starts.
   *
   * @param directory the checkpoint directory (created if missing)
   * @param resume whether to continue from the latest checkpoint in it
   * @param ignoreDataChange resume even if the checkpoint was trained on other data
   * @return this trainer
   */
  public SiameseTrainer checkpointTo(Path directory, boolean resume, boolean ignoreDataChange) {
    epochs.checkpoints = new Checkpoints(directory);
    epochs.resume = resume;
    epochs.ignoreDataChange = ignoreDataChange;
    return this;
  }

  /**
   * The pair head being trained, or {@code null} if the loss trains none.
   *
   * @return the head
   */
  public PairHead head() {
    return head;
  }

  /**
   * The encoder being trained.
   *
   * @return the encoder
   */
  public TrainableEncoder encoder() {
    return encoder;
  }

  /**
   * The settings.
   *
   * @return the configuration
   */
  public TrainingConfig config() {
    return config;
  }

  /**
   * Trains, keeps the best epoch, calibrates thresholds on {@code train} and evaluates {@code dev}.
   *
   * @param train the training pairs (at least {@code batchSize} usable ones)
   * @param dev pairs for model selection and the report; may be empty
   * @return the run's report
   * @throws TrainingException if the loss or gradients are non-finite in {@value
   *     #MAX_NON_FINITE_IN_A_ROW} steps in a row, or a checkpoint cannot be used
   */
  public TrainingResult train(List<LabelledPair> train, List<LabelledPair> dev) {
    return train(train, dev, List.of());
  }

  /**
   * Trains, keeps the best epoch, calibrates thresholds on {@code calibration} (or on {@code train}
   * when it is empty) and evaluates {@code dev}. A held-out calibration set avoids the optimistic
   * scores a model gives the pairs it was trained on, which push a threshold calibrated on them too
   * high.
   *
   * @param train the training pairs (at least {@code batchSize} usable ones)
   * @param dev pairs for model selection and the report; may be empty
   * @param calibration held-out pairs for the thresholds; empty to use {@code train}
   * @return the run's report
   * @throws TrainingException if the loss or gradients are non-finite in {@value
   *     #MAX_NON_FINITE_IN_A_ROW} steps in a row, or a checkpoint cannot be used
   */
  public TrainingResult train(
      List<LabelledPair> train, List<LabelledPair> dev, List<LabelledPair> calibration) {
    checkOpen();
    long started = System.nanoTime();
    if (encoder instanceof FrozenEncoder frozen) {
      List<LabelledPair> all = new ArrayList<>(train);
      all.addAll(dev);
      all.addAll(calibration);
      frozen.prepare(all); // every question embedded once, in one pass
    }
    List<LabelledPair> usable = TrainingData.usable(this, train);
    if (usable.size() < 2) {
      throw new IllegalArgumentException(
          "Need at least 2 training pairs for loss "
              + config.loss()
              + ", got "
              + usable.size()
              + (config.loss() == PairLoss.MNRL ? " duplicate pairs" : ""));
    }
    TrainingPairs.requireBothClasses(
        config, calibration.isEmpty() ? train : calibration, calibration.isEmpty());
    Checkpoints.State state = epochs.run(usable, TrainingData.batches(this, usable), dev);
    Calibration thresholds = scoring.calibrate(calibration.isEmpty() ? train : calibration);
    double decision = thresholds.decision().map(ThresholdMetrics::threshold).orElse(Double.NaN);
    Evaluation devResult =
        dev.isEmpty() ? null : evaluate(dev, thresholds.similarity().threshold(), decision);
    return new TrainingResult(
        state.step,
        state.skipped,
        state.reports,
        state.bestEpoch,
        thresholds.similarity().threshold(),
        decision,
        thresholds.candidateThreshold().orElse(Double.NaN),
        devResult,
        (System.nanoTime() - started) / 1e9,
        thresholds.similarity().balancedAccuracy(),
        thresholds.decision().map(ThresholdMetrics::balancedAccuracy).orElse(Double.NaN));
  }

  /**
   * Times the first {@code warmup + measured} steps that {@link #train} would take on {@code train}
   * (same batches, learning rates, seeds and code), updating this trainer's weights as training
   * does. For the step benchmark: what it times is the trainer's own step.
   *
   * @param train the training pairs
   * @param warmup steps run first and not reported
   * @param measured steps reported
   * @return the measured steps' wall-clock and CPU seconds and losses
   */
  public StepTimes timeSteps(List<LabelledPair> train, int warmup, int measured) {
    checkOpen();
    if (warmup < 0 || measured < 1) {
      throw new IllegalArgumentException(
          "warmup must be >= 0 and measured >= 1, were " + warmup + " and " + measured);
    }
    return TrainingData.batches(this, TrainingData.usable(this, train))
        .time(stepper::trainStep, warmup, measured);
  }

  /**
   * The mean loss over consecutive batches of {@code pairs} with the current parameters, without
   * updating them (NaN if no batch can be formed).
   *
   * @param pairs the pairs, in the order they are batched
   * @return the mean batch loss
   */
  public double meanLoss(List<LabelledPair> pairs) {
    checkOpen();
    return scoring.meanLoss(pairs);
  }

  /**
   * Embeds questions with the encoder in inference mode, in length-sorted batches.
   *
   * @param questions the questions
   * @return one embedding per question, as the encoder outputs it
   */
  public float[][] embed(List<String> questions) {
    checkOpen();
    return scoring.embed(questions);
  }

  /**
   * Scores labelled pairs with the current parameters: similarity, pair-head probability (if any),
   * correlations.
   *
   * @param pairs the pairs
   * @param similarityThreshold the calibrated similarity threshold for {@link
   *     Evaluation#decision()}, or NaN for none
   * @param headThreshold the calibrated head threshold, or NaN for none (ignored without a head)
   * @return the evaluation
   */
  public Evaluation evaluate(
      List<LabelledPair> pairs, double similarityThreshold, double headThreshold) {
    checkOpen();
    return scoring.evaluate(pairs, similarityThreshold, headThreshold);
  }

  ParameterStore store() {
    return store;
  }

  QuestionTokenizer tokenizer() {
    return tokenizer;
  }

  PrintStream progress() {
    return progress;
  }

  /**
   * Makes every parameter (trainable or not) and optimiser moment belong to {@code scope} until it
   * closes, so that every array computed from them lands there and is freed with it.
   */
  void attachTo(NDManager scope) {
    for (Parameter p : Checkpoints.parameters(this)) {
      p.getArray().tempAttach(scope);
    }
    optimizer.attachTo(scope);
  }

  /** Makes {@link #train} throw after this many steps, as a killed run would stop (for tests). */
  void stopAfterStep(long step) {
    epochs.stopAfterStep = step;
  }

  NDManager manager() {
    return manager;
  }

  AdamW optimizer() {
    return optimizer;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("This SiameseTrainer is closed");
    }
  }

  /** Releases the parameters and optimiser state this trainer's manager holds. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }
}
