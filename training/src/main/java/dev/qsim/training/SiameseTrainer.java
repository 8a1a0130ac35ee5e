package dev.qsim.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.qsim.ProgressListener;
import dev.qsim.data.LabelledPair;
import dev.qsim.eval.BinaryMetrics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

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
  private static final int EVAL_BATCH = 128;
  private static final int TOKENIZE_CHUNK = 2048;

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
  private PrintStream progress;
  private ProgressListener listener = ProgressListener.NONE;
  private Checkpoints checkpoints;
  private boolean resume;
  private boolean ignoreDataChange;
  private boolean closed;
  private long stopAfterStep = Long.MAX_VALUE;

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
   * Sets {@code ai.djl.offline=true} unless already set, so that DJL never downloads. PyTorch's
   * thread counts are the application's to choose: DJL reads them once per JVM, from the system
   * properties {@code ai.djl.pytorch.num_threads} and {@code ai.djl.pytorch.num_interop_threads},
   * when the engine starts (libtorch's thread pools are process-wide), so no trainer can set them
   * per run; {@code qsim-train} sets them in its entry point ({@link
   * TrainCommand#pinEngineThreads}).
   */
  public static void configureEngine() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  private void requireGradients() {
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
    this.listener = Objects.requireNonNull(listener, "listener");
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
    this.checkpoints = new Checkpoints(directory);
    this.resume = resume;
    this.ignoreDataChange = ignoreDataChange;
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
    List<LabelledPair> usable = usablePairs(train);
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
    TrainingBatches data = prepare(usable);
    int stepsPerEpoch = data.stepsPerEpoch;
    long totalSteps = data.totalSteps;
    if (checkpoints != null) {
      checkpoints.trainingData(TrainingPairs.fingerprint(usable), ignoreDataChange);
      checkpoints.removeStale();
    }

    Checkpoints.State state = new Checkpoints.State();
    byte[][] best = null;
    if (resume && checkpoints != null) {
      Checkpoints.Loaded loaded = checkpoints.loadLatest(this);
      if (loaded != null) {
        state = loaded.state();
        best = loaded.best();
        requireGradients();
        if (progress != null) {
          progress.printf(
              Locale.ROOT,
              "Resumed from %s at epoch %d, step %d%n",
              loaded.directory(),
              state.epoch + 1,
              state.step);
        }
      }
    }
    List<TrainingResult.EpochReport> reports = new ArrayList<>(state.reports);
    int nonFiniteInARow = 0;
    for (int epoch = state.epoch; epoch < config.epochs(); epoch++) {
      int[] order = data.order(epoch);
      int startBatch = epoch == state.epoch ? state.batchInEpoch : 0;
      double lossSum = epoch == state.epoch ? state.epochLossSum : 0;
      int lossCount = epoch == state.epoch ? state.epochLossCount : 0;
      for (int b = startBatch; b < stepsPerEpoch; b++) {
        int[] rows = data.rows(order, b);
        double loss = stepper.trainStep(data, rows, epoch, state.step);
        state.step++;
        boolean finite = !Double.isNaN(loss);
        if (!finite) {
          if (++nonFiniteInARow >= MAX_NON_FINITE_IN_A_ROW) {
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
        listener.update("training", state.step, totalSteps);
        if (checkpoints != null
            && config.checkpointEvery() > 0
            && state.step % config.checkpointEvery() == 0
            && b + 1 < stepsPerEpoch) {
          checkpoints.save(this, state, reports, best);
        }
        if (state.step >= stopAfterStep) {
          throw new TrainingException("Stopped after step " + state.step + " as asked");
        }
      }
      Evaluation devEval = dev.isEmpty() ? null : evaluate(dev, Double.NaN, Double.NaN);
      double meanLoss = lossCount == 0 ? Double.NaN : lossSum / lossCount;
      reports.add(new TrainingResult.EpochReport(epoch + 1, state.step, meanLoss, devEval));
      double score = devEval == null ? epoch : devEval.selectionScore();
      if (progress != null) {
        progress.println(epochLine(epoch + 1, meanLoss, devEval));
      }
      if (best == null || score > state.bestScore || Double.isNaN(state.bestScore)) {
        state.bestScore = score;
        state.bestEpoch = epoch + 1;
        best = Checkpoints.snapshot(this);
      }
      state.epoch = epoch + 1;
      state.batchInEpoch = 0;
      state.epochLossSum = 0;
      state.epochLossCount = 0;
      if (checkpoints != null) {
        checkpoints.save(this, state, reports, best);
      }
    }
    if (best != null) {
      Checkpoints.restore(this, best);
      requireGradients();
    }
    double[] thresholds = scoring.calibrate(calibration.isEmpty() ? train : calibration);
    Evaluation devResult = dev.isEmpty() ? null : evaluate(dev, thresholds[0], thresholds[1]);
    return new TrainingResult(
        state.step,
        state.skipped,
        reports,
        state.bestEpoch,
        thresholds[0],
        thresholds[1],
        thresholds[4],
        devResult,
        (System.nanoTime() - started) / 1e9,
        thresholds[2],
        thresholds[3]);
  }

  private TrainingBatches prepare(List<LabelledPair> usable) {
    return new TrainingBatches(usable, tokenize(usable, true), tokenize(usable, false), config);
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
    return prepare(usablePairs(train)).time(stepper::trainStep, warmup, measured);
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

  List<LabelledPair> usablePairs(List<LabelledPair> train) {
    Objects.requireNonNull(train, "train");
    if (config.loss() != PairLoss.MNRL) {
      return train;
    }
    List<LabelledPair> positives = new ArrayList<>();
    for (LabelledPair p : train) {
      if (config.isDuplicate(p.label())) {
        positives.add(p);
      }
    }
    return positives;
  }

  long[][] tokenize(List<LabelledPair> pairs, boolean first) {
    long[][] ids = new long[pairs.size()][];
    for (int start = 0; start < pairs.size(); start += TOKENIZE_CHUNK) {
      int end = Math.min(pairs.size(), start + TOKENIZE_CHUNK);
      List<String> texts = new ArrayList<>(end - start);
      List<String> others = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        texts.add(first ? pairs.get(i).first() : pairs.get(i).second());
        others.add(first ? pairs.get(i).second() : pairs.get(i).first());
      }
      // A cross-encoder reads the pair in this order: (first, second), or (second, first).
      long[][] chunk =
          encoder.readsPairs()
              ? encoder.encodePairs(tokenizer, texts, others)
              : encoder.encode(tokenizer, texts);
      System.arraycopy(chunk, 0, ids, start, chunk.length);
    }
    return ids;
  }

  /** A permutation of {@code [0, n)} from a seeded Fisher–Yates shuffle. */
  static int[] shuffled(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
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

  /** Linear warm-up to the peak, then linear decay to zero. */
  double learningRate(long step, long totalSteps) {
    return stepper.learningRate(step, totalSteps);
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
    this.stopAfterStep = step;
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
