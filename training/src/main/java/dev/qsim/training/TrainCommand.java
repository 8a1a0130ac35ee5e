package dev.qsim.training;

import dev.qsim.QsimException;
import dev.qsim.SimilarityFunction;
import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairDataset;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import dev.qsim.eval.BinaryMetrics;
import dev.qsim.eval.ThresholdMetrics;
import dev.qsim.model.ModelDirectoryWriter;
import dev.qsim.model.ModelMetadata;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import dev.qsim.training.minilm.MiniLmEncoder;
import dev.qsim.training.scratch.BiLstmEncoder;
import dev.qsim.training.scratch.CnnEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The training command line ({@code java -jar training/target/qsim-train.jar}): reads labelled
 * pairs, trains a siamese encoder (or a pair head over a frozen encoder), prints a report and
 * writes the model directory that {@code qsim-impl} loads. Run it with {@code
 * OMP_WAIT_POLICY=PASSIVE} in the environment. Not thread-safe; one run per instance.
 */
@Command(
    name = "qsim-train",
    mixinStandardHelpOptions = true,
    version = "qsim-train 0.1.0",
    sortOptions = false,
    description = {
      "Trains a siamese question encoder with DJL (PyTorch, offline) and writes a qsim model"
          + " directory.",
      "Checkpoints go to <out>.checkpoints/; --resume continues from the latest one there."
    })
public final class TrainCommand implements Callable<Integer> {

  @Option(
      names = "--train",
      required = true,
      paramLabel = "FILE",
      description = "Training pairs; repeat for several files.")
  List<Path> train = new ArrayList<>();

  @Option(
      names = "--dev",
      paramLabel = "FILE",
      description = "Pairs for model selection and the report.")
  Path dev;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "quora|bimpm|stsb|msrp|csv, one per --train file in order (the last one repeats);"
              + " default by extension: .csv quora, .tsv bimpm.")
  List<String> formats = new ArrayList<>();

  @Option(
      names = "--dev-format",
      paramLabel = "FORMAT",
      description = "Format of --dev (default by extension).")
  String devFormat;

  @Option(
      names = "--calibrate",
      paramLabel = "FILE",
      description =
          "Held-out pairs for the duplicate thresholds (default: the training pairs);"
              + " format by extension or --calibrate-format.")
  Path calibrate;

  @Option(
      names = "--calibrate-format",
      paramLabel = "FORMAT",
      description = "Format of --calibrate.")
  String calibrateFormat;

  @Option(
      names = "--encoder",
      defaultValue = "minilm",
      description = "minilm|bilstm|cnn|bag|frozen-minilm (default ${DEFAULT-VALUE}).")
  String encoder;

  @Option(
      names = "--base-model",
      paramLabel = "DIR",
      description =
          "With --encoder frozen-minilm: the model directory whose encoder stays frozen under the"
              + " new pair head (default: the bundled model), e.g. a fine-tuned one.")
  Path baseModel;

  @Option(
      names = "--freeze-word-embeddings",
      description = "minilm: keep the 30,522 x 384 word-embedding table fixed.")
  boolean freezeWordEmbeddings;

  @Option(
      names = "--frozen-layers",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "minilm: keep the embeddings and the lowest N of the 6 layers fixed (2 makes a step about"
              + " a third faster than training every weight).")
  int frozenLayers;

  @Option(
      names = "--loss",
      defaultValue = "online-contrastive",
      description =
          "contrastive|online-contrastive|cosine-mse|mnrl|softmax-head (default ${DEFAULT-VALUE};"
              + " frozen-minilm trains softmax-head).")
  String loss;

  @Option(names = "--epochs", defaultValue = "1", description = "Default ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--batch-size",
      defaultValue = "32",
      description = "Pairs per step (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--lr",
      description = "Peak encoder learning rate (default: 2e-5 minilm, 1e-3 bilstm/cnn, 0.05 bag).")
  Double learningRate;

  @Option(
      names = "--head-lr",
      defaultValue = "1e-3",
      description = "Pair head learning rate (default ${DEFAULT-VALUE}).")
  double headLearningRate;

  @Option(
      names = "--weight-decay",
      defaultValue = "0.01",
      description = "Default ${DEFAULT-VALUE}.")
  double weightDecay;

  @Option(
      names = "--warmup",
      defaultValue = "0.1",
      description = "Warm-up fraction of all steps (default ${DEFAULT-VALUE}).")
  double warmup;

  @Option(
      names = "--max-grad-norm",
      defaultValue = "1.0",
      description = "Global gradient norm limit, 0 off (default ${DEFAULT-VALUE}).")
  double maxGradNorm;

  @Option(
      names = "--max-length",
      defaultValue = "48",
      description = "Tokens per question (default ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--seed", defaultValue = "42", description = "Default ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--margin",
      defaultValue = "0.5",
      description = "Contrastive margin (default ${DEFAULT-VALUE}).")
  double margin;

  @Option(
      names = "--head-hidden",
      defaultValue = "256",
      description = "Pair head hidden units (default ${DEFAULT-VALUE}).")
  int headHidden;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "0",
      description = "Steps between checkpoints; 0: epoch ends only.")
  int checkpointEvery;

  @Option(names = "--limit", description = "Read at most this many pairs of each --train file.")
  Integer limit;

  @Option(names = "--dev-limit", description = "Read at most this many --dev pairs.")
  Integer devLimit;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "The model directory to write (must not exist).")
  Path out;

  @Option(names = "--name", description = "The model's name (default: the --out directory's name).")
  String name;

  @Option(
      names = "--pair-head-file",
      paramLabel = "FILE",
      description = "Also write the trained pair head JSON here (replacing it).")
  Path pairHeadFile;

  @Option(
      names = "--resume",
      description = "Continue from the latest checkpoint in <out>.checkpoints/.")
  boolean resume;

  @Option(
      names = "--skip-bad-rows",
      description = "Skip and count malformed rows instead of stopping.")
  boolean skipBadRows;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  private final PrintStream err;
  private final PrintStream stdout;
  private final List<String> arguments = new ArrayList<>();

  /** Creates a command printing to the process's streams. */
  public TrainCommand() {
    this(System.out, System.err);
  }

  TrainCommand(PrintStream out, PrintStream err) {
    this.stdout = out;
    this.err = err;
  }

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the arguments; {@code --help} lists them
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs without exiting; returns the exit status (0 success, 1 training or data error, 2 usage
   * error).
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    SiameseTrainer.configureEngine();
    TrainCommand command = new TrainCommand(out, err);
    command.arguments.addAll(List.of(args));
    CommandLine cli = new CommandLine(command);
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          if (e instanceof QsimException || e instanceof IllegalArgumentException) {
            err.println("qsim-train: " + e.getMessage());
            return 1;
          }
          throw e;
        });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    PrintStream progress = quiet ? null : err;
    Path absoluteOut = out.toAbsolutePath().normalize();
    if (Files.exists(absoluteOut)) {
      throw new QsimException(
          "Output directory already exists, refusing to overwrite: " + absoluteOut);
    }
    List<PairDataset> trainSets = new ArrayList<>();
    List<LabelledPair> trainPairs = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      PairDataset set = read(train.get(i), formatFor(i), limit);
      trainSets.add(set);
      trainPairs.addAll(set.pairs());
    }
    PairDataset devSet = dev == null ? null : read(dev, format(dev, devFormat), devLimit);
    List<LabelledPair> devPairs = devSet == null ? List.of() : devSet.pairs();
    PairDataset calibrationSet =
        calibrate == null ? null : read(calibrate, format(calibrate, calibrateFormat), null);
    List<LabelledPair> calibrationPairs =
        calibrationSet == null ? List.of() : calibrationSet.pairs();
    boolean graded = formatFor(0).graded();
    PairLoss pairLoss = PairLoss.fromId(loss);
    if (encoder.equals("frozen-minilm")) {
      pairLoss = PairLoss.SOFTMAX_HEAD;
    }
    TrainingConfig config =
        TrainingConfig.builder()
            .loss(pairLoss)
            .epochs(epochs)
            .batchSize(batchSize)
            .learningRate(learningRate != null ? learningRate : defaultLearningRate(encoder))
            .headLearningRate(headLearningRate)
            .weightDecay(weightDecay)
            .warmupFraction(warmup)
            .maxGradNorm(maxGradNorm)
            .maxLength(maxLength)
            .seed(seed)
            .margin(margin)
            .labelMax(graded ? 5 : 1)
            .headHidden(headHidden)
            .checkpointEvery(checkpointEvery)
            .build();
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("trained_by", "qsim-train (DJL PyTorch)");
    provenance.put("encoder", encoder);
    provenance.put(
        "command", "java -jar training/target/qsim-train.jar " + String.join(" ", arguments));
    provenance.put("date", Instant.now().toString());
    provenance.put("settings", config.asMap());
    List<Map<String, Object>> data = new ArrayList<>();
    for (PairDataset set : trainSets) {
      data.add(describe(set));
    }
    provenance.put("training_data", data);
    if (devSet != null) {
      provenance.put("dev_data", describe(devSet));
    }
    provenance.put(
        "thresholds_calibrated_on",
        calibrationSet == null ? "the training pairs" : describe(calibrationSet));
    String modelName = name != null ? name : absoluteOut.getFileName().toString();
    if (baseModel != null && !encoder.equals("frozen-minilm")) {
      throw new IllegalArgumentException("--base-model applies to --encoder frozen-minilm only");
    }
    if ((freezeWordEmbeddings || frozenLayers != 0) && !encoder.equals("minilm")) {
      throw new IllegalArgumentException(
          "--freeze-word-embeddings and --frozen-layers apply to --encoder minilm only");
    }
    if (encoder.equals("minilm")) {
      provenance.put("freeze_word_embeddings", freezeWordEmbeddings);
      provenance.put("frozen_layers", frozenLayers);
    }
    if (encoder.equals("frozen-minilm")) {
      return frozen(
          config,
          trainPairs,
          devPairs,
          calibrationPairs,
          provenance,
          absoluteOut,
          modelName,
          progress);
    }
    try (QuestionTokenizer tokenizer = QuestionTokenizer.bundled(maxLength);
        TrainableEncoder trainable = createEncoder(encoder, tokenizer, seed);
        SiameseTrainer trainer =
            new SiameseTrainer(trainable, tokenizer, config).progressTo(progress)) {
      trainer.checkpointTo(
          absoluteOut.resolveSibling(absoluteOut.getFileName() + ".checkpoints"), resume);
      TrainingResult result = trainer.train(trainPairs, devPairs, calibrationPairs);
      provenance.put("steps", result.steps());
      provenance.put("best_epoch", result.bestEpoch());
      provenance.put("training_seconds", Math.round(result.seconds()));
      ModelExporter exporter =
          ModelExporter.of(trainable, tokenizer)
              .name(modelName)
              .similarityThreshold(result.similarityThreshold())
              .provenance(provenance);
      if (trainer.head() != null) {
        exporter.pairHead(trainer.head(), result.headThreshold());
        if (pairHeadFile != null) {
          trainer.head().write(pairHeadFile);
        }
      }
      if (result.dev() != null) {
        exporter.metrics(datasetName(dev), result.dev().asMap());
      }
      Path written = exporter.export(absoluteOut);
      report(result, written);
    }
    return 0;
  }

  private static double defaultLearningRate(String encoder) {
    switch (encoder) {
      case "minilm":
        return 2e-5;
      case "bag":
        return 0.05;
      default:
        return 1e-3;
    }
  }

  /** The encoder named on the command line; {@code seed} sets the initial weights of new ones. */
  private TrainableEncoder createEncoder(String id, QuestionTokenizer tokenizer, long seed) {
    switch (id) {
      case "minilm":
        return MiniLmEncoder.builder()
            .optFreezeWordEmbeddings(freezeWordEmbeddings)
            .optFrozenLayers(frozenLayers)
            .build();
      case "bilstm":
        return BiLstmEncoder.builder().optSeed(seed).build();
      case "cnn":
        return CnnEncoder.builder().optSeed(seed).build();
      case "bag":
        return new EmbeddingBagEncoder(tokenizer.vocabularySize(), 128);
      default:
        throw new IllegalArgumentException(
            "Unknown encoder '" + id + "'; expected minilm, bilstm, cnn, bag or frozen-minilm");
    }
  }

  private PairFormat formatFor(int index) {
    if (formats.isEmpty()) {
      return format(train.get(index), null);
    }
    return PairFormat.fromId(formats.get(Math.min(index, formats.size() - 1)));
  }

  private static PairFormat format(Path file, String id) {
    if (id != null) {
      return PairFormat.fromId(id);
    }
    String fileName = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (fileName.endsWith(".csv")) {
      return PairFormat.QUORA;
    }
    if (fileName.endsWith(".tsv")) {
      return PairFormat.BIMPM;
    }
    throw new IllegalArgumentException(
        "Cannot tell the format of " + file + " from its extension: pass --format");
  }

  private PairDataset read(Path file, PairFormat format, Integer max) {
    ReadOptions options = ReadOptions.defaults().withSkipBadRows(skipBadRows);
    if (max != null) {
      options = options.withLimit(max);
    }
    PairDataset set = PairReader.read(file, format, options);
    err.printf(
        Locale.ROOT,
        "Read %d pairs (%s) from %s as %s%s%n",
        set.size(),
        format.graded()
            ? String.format(Locale.ROOT, "mean score %.2f", mean(set.labels()))
            : set.duplicates() + " duplicates",
        file,
        format.id(),
        set.skippedRows() > 0
            ? "; skipped " + set.skippedRows() + " bad rows, first: " + set.skipReasons()
            : "");
    return set;
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return values.length == 0 ? Double.NaN : sum / values.length;
  }

  private static Map<String, Object> describe(PairDataset set) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", set.source());
    m.put("format", set.format().id());
    m.put("pairs", set.size());
    if (!set.format().graded()) {
      m.put("duplicates", set.duplicates());
    }
    m.put("skipped_rows", set.skippedRows());
    return m;
  }

  static String datasetName(Path file) {
    String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    Path parent = file.toAbsolutePath().normalize().getParent();
    return parent == null || parent.getFileName() == null
        ? stem
        : parent.getFileName() + "-" + stem;
  }

  private void report(TrainingResult result, Path written) {
    stdout.printf(
        Locale.ROOT,
        "%nTrained %d steps (%d skipped) in %.0f s; kept epoch %d.%n",
        result.steps(),
        result.skippedSteps(),
        result.seconds(),
        result.bestEpoch());
    for (TrainingResult.EpochReport e : result.epochs()) {
      stdout.printf(
          Locale.ROOT,
          "  epoch %d: mean loss %.4f%s%n",
          e.epoch(),
          e.meanLoss(),
          e.dev() == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  ", dev %s %.4f",
                  Double.isNaN(e.dev().spearman()) ? "AP" : "Spearman",
                  e.dev().selectionScore()));
    }
    stdout.printf(
        Locale.ROOT,
        "Calibrated on the %s (best balanced accuracy): similarity threshold %.4f%s%n",
        calibrate == null ? "training pairs" : calibrate.getFileName(),
        result.similarityThreshold(),
        Double.isNaN(result.headThreshold())
            ? ""
            : String.format(Locale.ROOT, ", pair-head threshold %.4f", result.headThreshold()));
    if (result.dev() != null) {
      Evaluation d = result.dev();
      stdout.printf(Locale.ROOT, "Dev (%d pairs), the model's own decision:%n", d.pairs());
      printDecision(d.pairHead() != null ? "pair head" : "similarity", d.decision(), d.deciding());
      if (d.pairHead() != null) {
        printDecision(
            "similarity", d.similarity().at(result.similarityThreshold()), d.similarity());
      }
      if (!Double.isNaN(d.spearman())) {
        stdout.printf(Locale.ROOT, "  Pearson %.4f, Spearman %.4f%n", d.pearson(), d.spearman());
      }
    }
    stdout.println("Wrote " + written);
  }

  private void printDecision(String what, ThresholdMetrics at, BinaryMetrics all) {
    stdout.printf(
        Locale.ROOT,
        "  %-10s accuracy %.4f  F1 %.4f  precision %.4f  recall %.4f  AP %.4f  (threshold %.4f;"
            + " best on dev itself: accuracy %.4f, F1 %.4f)%n",
        what,
        at.accuracy(),
        at.f1(),
        at.precision(),
        at.recall(),
        all.averagePrecision(),
        at.threshold(),
        all.bestAccuracy().accuracy(),
        all.bestF1().f1());
  }

  /**
   * The pair head over a frozen encoder (the bundled one, or {@code --base-model}'s), written with
   * a copy of that encoder's ONNX graph and tokenizer.
   */
  private int frozen(
      TrainingConfig config,
      List<LabelledPair> trainPairs,
      List<LabelledPair> devPairs,
      List<LabelledPair> calibrationPairs,
      Map<String, Object> provenance,
      Path target,
      String modelName,
      PrintStream progress) {
    Path cacheDir = Path.of("training", "target", "frozen-embeddings");
    if (!Files.isDirectory(cacheDir.getParent())) {
      cacheDir = target.resolveSibling(target.getFileName() + ".cache");
    }
    long started = System.nanoTime();
    try (OnnxQuestionSimilarity frozenModel = openBase()) {
      String baseKey = baseModelKey(frozenModel.metadata());
      List<LabelledPair> all = new ArrayList<>(trainPairs);
      all.addAll(devPairs);
      Map<String, float[]> vectors =
          new java.util.HashMap<>(
              FrozenHeadTrainer.embed(frozenModel, baseKey, all, cacheDir, progress));
      if (!calibrationPairs.isEmpty()) {
        vectors.putAll(
            FrozenHeadTrainer.embed(frozenModel, baseKey, calibrationPairs, cacheDir, progress));
      }
      List<LabelledPair> calibrationSource =
          calibrationPairs.isEmpty() ? trainPairs : calibrationPairs;
      ModelMetadata base = frozenModel.metadata();
      try (FrozenHeadTrainer trainer = new FrozenHeadTrainer(base.dimension(), config, progress)) {
        FrozenHeadTrainer.Result result =
            trainer.train(trainPairs, devPairs, calibrationSource, vectors);
        BinaryMetrics trainCos =
            BinaryMetrics.of(
                FrozenHeadTrainer.cosines(calibrationSource, vectors),
                duplicates(calibrationSource));
        double cosThreshold = trainCos.bestBalancedAccuracy().threshold();
        provenance.put(
            "encoder",
            baseModel == null
                ? "frozen all-MiniLM-L6-v2 (bundled), pair head trained"
                : "frozen encoder of " + baseModel + " (" + base.name() + "), pair head trained");
        if (baseModel != null) {
          provenance.put("base_model_provenance", base.provenance());
        }
        Map<String, Object> settings = new LinkedHashMap<>(config.asMap());
        // The frozen encoder embeds at its own maximum length, not --max-length.
        settings.put("max_length", base.maxSequenceLength());
        provenance.put("settings", settings);
        provenance.put("best_epoch", result.bestEpoch());
        provenance.put("training_seconds", Math.round((System.nanoTime() - started) / 1e9));
        Map<String, Object> metrics = new LinkedHashMap<>();
        if (result.dev() != null) {
          metrics = result.dev().asMap();
          ThresholdMetrics cosAt = result.dev().similarity().at(cosThreshold);
          metrics.put("cosine_accuracy", cosAt.accuracy());
          metrics.put("cosine_f1", cosAt.f1());
          metrics.put("cosine_average_precision", result.dev().similarity().averagePrecision());
        }
        if (pairHeadFile != null) {
          Path headFile = pairHeadFile.toAbsolutePath();
          Files.createDirectories(headFile.getParent());
          trainer.head().write(headFile);
          Map<String, Object> info = new LinkedHashMap<>();
          info.put("pair_head_file", headFile.getFileName().toString());
          info.put("pair_head_threshold", result.threshold());
          info.put(
              "pair_head_threshold_calibration",
              "midpoint threshold with the best balanced accuracy on "
                  + (calibrate == null ? "the training pairs" : calibrate.toString()));
          info.put(
              "calibration_balanced_accuracy",
              result.trainMetrics().bestBalancedAccuracy().balancedAccuracy());
          info.put("similarity_threshold_same_data", cosThreshold);
          info.put("hidden_units", config.headHidden());
          info.put("best_epoch", result.bestEpoch());
          if (dev != null) {
            info.put("metrics", Map.of(datasetName(dev), metrics));
          }
          info.putAll(provenance);
          Files.writeString(
              headFile.resolveSibling("pair-head-info.json"),
              new com.google.gson.GsonBuilder()
                  .setPrettyPrinting()
                  .disableHtmlEscaping()
                  .create()
                  .toJson(info),
              java.nio.charset.StandardCharsets.UTF_8);
        }
        Map<String, Object> devMetrics = metrics;
        Path written =
            ModelDirectoryWriter.write(
                target,
                dir -> {
                  if (baseModel == null) {
                    copyResource("/all-minilm-l6-v2.onnx", dir.resolve("model.onnx"));
                    copyResource("/all-minilm-l6-v2-tokenizer.json", dir.resolve("tokenizer.json"));
                  } else {
                    Files.copy(
                        baseModel.resolve(base.encoderFile()),
                        dir.resolve("model.onnx"),
                        StandardCopyOption.REPLACE_EXISTING);
                    Files.copy(
                        baseModel.resolve(base.tokenizerFile()),
                        dir.resolve("tokenizer.json"),
                        StandardCopyOption.REPLACE_EXISTING);
                  }
                  trainer.head().write(dir.resolve(ModelExporter.PAIR_HEAD_FILE));
                  ModelMetadata m =
                      ModelMetadata.builder()
                          .name(modelName)
                          .output(base.output())
                          .pooling(base.pooling())
                          .normalize(base.normalize())
                          .dimension(base.dimension())
                          .maxSequenceLength(base.maxSequenceLength())
                          .similarityFunction(SimilarityFunction.COSINE)
                          .similarityThreshold(cosThreshold)
                          .provenance(provenance)
                          .pairHead(ModelExporter.PAIR_HEAD_FILE, result.threshold())
                          .build();
                  if (dev != null && !devMetrics.isEmpty()) {
                    m = m.withMetrics(datasetName(dev), numbers(devMetrics));
                  }
                  return m;
                });
        stdout.printf(
            Locale.ROOT,
            "%nPair head over the frozen encoder: kept epoch %d of %d; threshold %.4f"
                + " (balanced accuracy %.4f on the calibration pairs); cosine threshold %.4f%n",
            result.bestEpoch(),
            config.epochs(),
            result.threshold(),
            result.trainMetrics().bestBalancedAccuracy().balancedAccuracy(),
            cosThreshold);
        if (result.dev() != null) {
          Evaluation d = result.dev();
          stdout.printf(Locale.ROOT, "Dev (%d pairs), the model's own decision:%n", d.pairs());
          printDecision("pair head", d.decision(), d.pairHead());
          printDecision("cosine", d.similarity().at(cosThreshold), d.similarity());
        }
        stdout.println("Wrote " + written);
      }
    } catch (IOException e) {
      throw new TrainingException("Cannot write " + pairHeadFile + ": " + e.getMessage(), e);
    }
    return 0;
  }

  private OnnxQuestionSimilarity openBase() {
    if (baseModel == null) {
      return OnnxQuestionSimilarity.bundled();
    }
    return OnnxQuestionSimilarity.builder().setModelDirectory(baseModel).optPairHead(false).build();
  }

  /**
   * Identifies the frozen encoder in the embedding cache's key: the bundled model, or the base
   * directory's encoder file by path, size and modification time (a retrained model in the same
   * place gets new embeddings).
   */
  private String baseModelKey(ModelMetadata base) throws IOException {
    if (baseModel == null) {
      return "bundled:" + OnnxQuestionSimilarity.BUNDLED_MODEL;
    }
    Path file = baseModel.resolve(base.encoderFile()).toAbsolutePath().normalize();
    return file + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis();
  }

  private static boolean[] duplicates(List<LabelledPair> pairs) {
    boolean[] d = new boolean[pairs.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = pairs.get(i).isDuplicate();
    }
    return d;
  }

  private static Map<String, Double> numbers(Map<String, Object> values) {
    Map<String, Double> out = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (v instanceof Number && Double.isFinite(((Number) v).doubleValue())) {
            out.put(k, ((Number) v).doubleValue());
          }
        });
    return out;
  }

  private static void copyResource(String resource, Path target) throws IOException {
    try (InputStream in = TrainCommand.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("class path resource " + resource + " is missing");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
