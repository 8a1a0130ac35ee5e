package dev.qsim.training;

import dev.qsim.ProgressListener;
import dev.qsim.data.DataPart;
import dev.qsim.data.PairSelection;
import dev.qsim.io.EmbeddingCache;
import dev.qsim.onnx.BundledModel;
import dev.qsim.training.minilm.CrossMiniLmEncoder;
import dev.qsim.training.minilm.MiniLmEncoder;
import dev.qsim.training.scratch.BiLstmEncoder;
import dev.qsim.training.scratch.CnnEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options of {@code qsim-train} (a picocli mixin of {@link TrainCommand}), their checks, and
 * what follows from them alone: the {@link TrainingConfig} and the encoder. Not thread-safe.
 */
final class TrainOptions {
  static final String FROZEN = "frozen-minilm";
  static final String CROSS = "cross-minilm";

  /**
   * One {@code --train} file and how to read it; the options that follow a {@code --train} apply to
   * that file.
   */
  static final class TrainFile {
    @Option(
        names = "--train",
        required = true,
        paramLabel = "FILE",
        description = "Training pairs; repeat for several files.")
    Path file;

    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        description =
            "quora|bimpm|stsb|msrp|csv, for the --train file before it (default by extension:"
                + " .csv quora, .tsv bimpm).")
    String format;

    @Option(
        names = "--part",
        paramLabel = "PART",
        description =
            "all (default), train or check: the fixed half of that --train file to read (as qsim"
                + " --part).")
    String part;

    @Option(
        names = "--binarize",
        paramLabel = "LOW,HIGH",
        description =
            "Graded scores of that --train file into duplicate labels: >= HIGH duplicate, <= LOW"
                + " not, pairs in between left out (e.g. 2,4 for stsb).")
    String binarize;

    @Option(
        names = "--columns",
        paramLabel = "Q1,Q2,LABEL",
        description = "For --format csv: the question and label columns of that --train file.")
    String columns;

    /**
     * How to read the file.
     *
     * @throws IllegalArgumentException naming the option that is wrong
     */
    PairSelection selection() {
      return new PairSelection(
          TrainingInputs.format(file, format),
          columns,
          part == null ? DataPart.ALL : DataPart.fromId(part),
          binarize);
    }
  }

  @ArgGroup(exclusive = false, multiplicity = "1..*")
  List<TrainFile> trainFiles = new ArrayList<>();

  @Option(
      names = "--dev",
      paramLabel = "FILE",
      description = "Pairs for model selection and the report.")
  Path dev;

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
      description =
          "minilm|bilstm|cnn|bag|frozen-minilm|cross-minilm (default ${DEFAULT-VALUE});"
              + " cross-minilm trains a cross-encoder verifier added to the --base-model.")
  String encoder;

  @Option(
      names = "--base-model",
      paramLabel = "NAME|DIR",
      description =
          "With --encoder frozen-minilm: the model whose encoder stays frozen under the new pair"
              + " head; with cross-minilm: the model the verifier is added to, copied with its"
              + " thresholds. A bundled model (default, base or cascade; qsim models lists them)"
              + " or a model directory; a bundled name means the bundled model unless a file or"
              + " directory of that name exists in the working directory, which is refused as"
              + " ambiguous (write ./NAME for the directory). Default: base, the plain"
              + " all-MiniLM-L6-v2 with its mixed pair head (OnnxQuestionSimilarity.BASE_MODEL),"
              + " not the fine-tuned default.")
  String baseModel;

  @Option(
      names = "--freeze-word-embeddings",
      description = "minilm, cross-minilm: keep the 30,522 x 384 word-embedding table fixed.")
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
          "contrastive | online-contrastive | cosine-mse | mnrl | softmax-head (default"
              + " ${DEFAULT-VALUE}; frozen-minilm trains softmax-head).")
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
      description =
          "Tokens per question; for cross-minilm tokens per pair sequence (default"
              + " ${DEFAULT-VALUE}).")
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
      names = "--dropout",
      paramLabel = "P",
      description =
          "minilm, bilstm, cnn: dropout rate while training (default: the encoder's, 0.1).")
  Float dropout;

  @Option(
      names = "--init-model",
      paramLabel = "NAME|FILE",
      description =
          "minilm, cross-minilm: start from these encoder weights instead of the plain"
              + " all-MiniLM-L6-v2: a model.onnx with its layout (e.g. an earlier fine-tune's), or"
              + " a bundled model's encoder by name (default: the fine-tuned encoder, rebuilt from"
              + " the jar; base: the plain weights, as without the option), by the rule of"
              + " --base-model. cross-minilm continues from a verifier: a verifier.onnx, or"
              + " cascade (the bundled verifier), classifier included.")
  String initModel;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "frozen-minilm: where question embeddings are cached (default: the embeddings folder"
              + " in qsim's cache folder: -Dqsim.cache.dir, else $QSIM_CACHE_DIR, else"
              + " ~/.cache/qsim).")
  Path cacheDir;

  @Option(
      names = "--force-resume",
      description =
          "With --resume: continue even if the checkpoint was trained on other data (its"
              + " files and SHA-256 differ).")
  boolean forceResume;

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

  /**
   * {@code --base-model} as a bundled model: {@link BundledModel#BASE} without the option, {@code
   * null} when it names a directory.
   *
   * @throws IllegalArgumentException if the value is both a bundled name and an existing path
   */
  BundledModel baseBundled() {
    return baseModel == null ? BundledModel.BASE : bundled(baseModel);
  }

  /** {@code --base-model} as a model directory; {@code null} for a bundled model. */
  Path baseDirectory() {
    return baseBundled() == null ? Path.of(baseModel) : null;
  }

  /** {@code --init-model} as a bundled model; {@code null} for a file or without the option. */
  BundledModel initBundled() {
    return initModel == null ? null : bundled(initModel);
  }

  private static BundledModel bundled(String value) {
    return BundledModel.forValue(value, List.of(Path.of(value))).orElse(null);
  }

  /** Refuses options that do not apply to the chosen encoder, or a --train file's bad selection. */
  void check() {
    for (TrainFile f : trainFiles) {
      f.selection();
    }
    if (baseBundled() == null && !Files.isDirectory(baseDirectory())) {
      throw new IllegalArgumentException(
          "--base-model "
              + baseModel
              + " is neither a model directory nor a bundled model ("
              + BundledModel.names()
              + ")");
    }
    if (initModel != null && initBundled() == null && !Files.isRegularFile(Path.of(initModel))) {
      throw new IllegalArgumentException(
          "--init-model "
              + initModel
              + " is neither an ONNX file nor a bundled model ("
              + BundledModel.names()
              + ")");
    }
    if (baseModel != null && !encoder.equals(FROZEN) && !encoder.equals(CROSS)) {
      throw new IllegalArgumentException(
          "--base-model applies to --encoder frozen-minilm and cross-minilm only");
    }
    if (cacheDir != null && !encoder.equals(FROZEN)) {
      throw new IllegalArgumentException("--cache-dir applies to --encoder frozen-minilm only");
    }
    if (freezeWordEmbeddings && !encoder.equals("minilm") && !encoder.equals(CROSS)) {
      throw new IllegalArgumentException(
          "--freeze-word-embeddings applies to --encoder minilm and cross-minilm only");
    }
    if ((frozenLayers != 0 || initModel != null)
        && !encoder.equals("minilm")
        && !encoder.equals(CROSS)) {
      throw new IllegalArgumentException(
          "--init-model and --frozen-layers apply to --encoder minilm and cross-minilm only");
    }
    if (dropout != null && !List.of("minilm", "bilstm", "cnn", CROSS).contains(encoder)) {
      throw new IllegalArgumentException(
          "--dropout applies to --encoder minilm, bilstm, cnn or cross-minilm");
    }
    if (dropout != null && !(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("--dropout must be in [0, 1), was " + dropout);
    }
    if (forceResume && !resume) {
      throw new IllegalArgumentException("--force-resume needs --resume");
    }
    if (!List.of("minilm", "bilstm", "cnn", "bag", FROZEN, CROSS).contains(encoder)) {
      throw new IllegalArgumentException(
          "Unknown encoder '"
              + encoder
              + "'; expected minilm, bilstm, cnn, bag, "
              + FROZEN
              + " or "
              + CROSS);
    }
  }

  /** The training settings; {@code graded} for 0–5 scores (labels up to 5). */
  TrainingConfig config(boolean graded) {
    return TrainingConfig.builder()
        .loss(
            encoder.equals(FROZEN)
                ? PairLoss.SOFTMAX_HEAD
                : encoder.equals(CROSS) ? PairLoss.BINARY_CROSS_ENTROPY : PairLoss.fromId(loss))
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
  }

  private static double defaultLearningRate(String encoder) {
    switch (encoder) {
      case "minilm":
      case CROSS:
        return 2e-5;
      case "bag":
        return 0.05;
      default:
        return 1e-3;
    }
  }

  /** The encoder's own settings, for the provenance. */
  Map<String, Object> encoderSettings() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    if (encoder.equals(CROSS)) {
      m.put("freeze_word_embeddings", freezeWordEmbeddings);
      m.put("frozen_layers", frozenLayers);
      m.put("init_model", initModel == null ? null : initModel.toString());
      m.put("base_model", baseModel == null ? "bundled" : baseModel.toString());
    }
    if (encoder.equals("minilm")) {
      m.put("freeze_word_embeddings", freezeWordEmbeddings);
      m.put("frozen_layers", frozenLayers);
      m.put("init_model", initModel == null ? null : initModel.toString());
    }
    if (dropout != null) {
      m.put("dropout", dropout);
    }
    if (encoder.equals(FROZEN)) {
      m.put("base_model", baseModel == null ? "bundled" : baseModel.toString());
    }
    return m;
  }

  /** The encoder named on the command line; {@code --seed} sets the initial weights of new ones. */
  TrainableEncoder createEncoder(QuestionTokenizer tokenizer, ProgressListener progress) {
    switch (encoder) {
      case "minilm":
        MiniLmEncoder.Builder minilm =
            MiniLmEncoder.builder()
                .optFreezeWordEmbeddings(freezeWordEmbeddings)
                .optFrozenLayers(frozenLayers);
        if (dropout != null) {
          minilm.optDropout(dropout);
        }
        if (initBundled() != null) {
          minilm.optBundledWeights(initBundled());
        } else if (initModel != null) {
          minilm.optModelFile(Path.of(initModel));
        }
        return minilm.build();
      case "bilstm":
        BiLstmEncoder.Builder bilstm = BiLstmEncoder.builder().optSeed(seed);
        if (dropout != null) {
          bilstm.optDropout(dropout);
        }
        return bilstm.build();
      case "cnn":
        CnnEncoder.Builder cnn = CnnEncoder.builder().optSeed(seed);
        if (dropout != null) {
          cnn.optDropout(dropout);
        }
        return cnn.build();
      case "bag":
        return new EmbeddingBagEncoder(tokenizer.vocabularySize(), 128);
      case CROSS:
        CrossMiniLmEncoder.Builder cross =
            CrossMiniLmEncoder.builder()
                .optFrozenLayers(frozenLayers)
                .optFreezeWordEmbeddings(freezeWordEmbeddings)
                .optSeed(seed);
        if (dropout != null) {
          cross.optDropout(dropout);
        }
        if (initBundled() != null) {
          cross.optBundledWeights(initBundled());
        } else if (initModel != null) {
          cross.optModelFile(Path.of(initModel));
        }
        if (baseBundled() != null) {
          cross.optBaseModel(baseBundled());
        } else {
          cross.optBaseModel(baseDirectory());
        }
        return cross.build();
      case FROZEN:
        return FrozenEncoder.open(
            baseBundled(),
            baseDirectory(),
            cacheDir != null ? cacheDir : EmbeddingCache.defaultDirectory(),
            progress);
      default:
        throw new IllegalArgumentException("Unknown encoder '" + encoder + "'");
    }
  }
}
