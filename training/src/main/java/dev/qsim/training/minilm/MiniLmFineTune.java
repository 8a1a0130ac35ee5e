package dev.qsim.training.minilm;

import dev.qsim.data.LabelledPair;
import dev.qsim.data.PairDataset;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.ReadOptions;
import dev.qsim.training.Evaluation;
import dev.qsim.training.ModelExporter;
import dev.qsim.training.PairLoss;
import dev.qsim.training.QuestionTokenizer;
import dev.qsim.training.SiameseTrainer;
import dev.qsim.training.TrainingConfig;
import dev.qsim.training.TrainingResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fine-tunes the bundled all-MiniLM-L6-v2 on labelled pairs with {@link SiameseTrainer} and writes
 * the model directory {@code qsim-impl} loads (about 90 MB: do not commit it). The general training
 * command line is {@link dev.qsim.training.TrainCommand} ({@code --encoder minilm}); this entry
 * adds the MiniLM-only settings {@code --freeze-word-embeddings} and {@code --dropout}. Run it from
 * the training jar ({@code mvn -q -pl training package -DskipTests} builds {@code
 * training/target/qsim-train.jar}):
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE java -cp training/target/qsim-train.jar dev.qsim.training.minilm.MiniLmFineTune \
 *     --train ../shared/data/quora/train.csv --train ../shared/data/quora/train-extra.tsv --limit 8000 \
 *     --dev ../shared/data/quora/dev.tsv --loss softmax-head --epochs 1 --batch-size 32 --lr 2e-5 \
 *     --max-length 32 --freeze-word-embeddings --seed 42 --out training/target/minilm-quora-head
 * </pre>
 *
 * <p>Options: {@code --train FILE} (repeatable; {@code .csv} is read as Quora CSV, {@code .tsv} as
 * the BiMPM layout), {@code --dev FILE}, {@code --loss} (a {@link PairLoss} id), {@code --epochs},
 * {@code --batch-size}, {@code --lr}, {@code --head-lr}, {@code --max-length}, {@code --seed},
 * {@code --limit N} (first N pairs of each training file), {@code --dev-limit N}, {@code
 * --freeze-word-embeddings}, {@code --frozen-layers N} (the embeddings and the lowest N layers stay
 * fixed), {@code --dropout}, {@code --checkpoints DIR}, {@code --checkpoint-every N} and {@code
 * --resume}, {@code --init-model FILE} (start from the {@code model.onnx} of an earlier fine-tune
 * instead of the bundled weights), {@code --out DIR} (must not exist).
 *
 * <p>A command-line program; not thread-safe.
 */
public final class MiniLmFineTune {

  private MiniLmFineTune() {}

  /**
   * Runs a fine-tune.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    SiameseTrainer.configureEngine();
    List<Path> trainFiles = new ArrayList<>();
    Path devFile = null;
    Path out = null;
    Path checkpoints = null;
    Path initModel = null;
    boolean resume = false;
    boolean freeze = false;
    int frozenLayers = 0;
    float dropout = 0.1f;
    int limit = ReadOptions.NO_LIMIT;
    int devLimit = ReadOptions.NO_LIMIT;
    TrainingConfig.Builder config = TrainingConfig.builder();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--train" -> trainFiles.add(Path.of(value(args, ++i, a)));
        case "--dev" -> devFile = Path.of(value(args, ++i, a));
        case "--out" -> out = Path.of(value(args, ++i, a));
        case "--loss" -> config.loss(PairLoss.fromId(value(args, ++i, a)));
        case "--epochs" -> config.epochs(Integer.parseInt(value(args, ++i, a)));
        case "--batch-size" -> config.batchSize(Integer.parseInt(value(args, ++i, a)));
        case "--lr" -> config.learningRate(Double.parseDouble(value(args, ++i, a)));
        case "--head-lr" -> config.headLearningRate(Double.parseDouble(value(args, ++i, a)));
        case "--max-length" -> config.maxLength(Integer.parseInt(value(args, ++i, a)));
        case "--seed" -> config.seed(Long.parseLong(value(args, ++i, a)));
        case "--limit" -> limit = Integer.parseInt(value(args, ++i, a));
        case "--dev-limit" -> devLimit = Integer.parseInt(value(args, ++i, a));
        case "--dropout" -> dropout = Float.parseFloat(value(args, ++i, a));
        case "--freeze-word-embeddings" -> freeze = true;
        case "--frozen-layers" -> frozenLayers = Integer.parseInt(value(args, ++i, a));
        case "--checkpoints" -> checkpoints = Path.of(value(args, ++i, a));
        case "--resume" -> resume = true;
        case "--init-model" -> initModel = Path.of(value(args, ++i, a));
        case "--checkpoint-every" -> config.checkpointEvery(Integer.parseInt(value(args, ++i, a)));
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (trainFiles.isEmpty() || out == null) {
      throw new IllegalArgumentException("need --train FILE (one or more) and --out DIR");
    }
    TrainingConfig settings = config.build();
    List<LabelledPair> train = new ArrayList<>();
    for (Path f : trainFiles) {
      PairDataset d = PairReader.read(f, formatOf(f), ReadOptions.defaults().withLimit(limit));
      System.out.printf(Locale.ROOT, "train: %,d pairs from %s%n", d.pairs().size(), f);
      train.addAll(d.pairs());
    }
    List<LabelledPair> dev =
        devFile == null
            ? List.of()
            : PairReader.read(
                    devFile, formatOf(devFile), ReadOptions.defaults().withLimit(devLimit))
                .pairs();
    System.out.printf(
        Locale.ROOT,
        "MiniLM fine-tune: %,d training pairs, %,d dev pairs, %s%n",
        train.size(),
        dev.size(),
        settings.asMap());

    MiniLmEncoder.Builder encoderBuilder =
        MiniLmEncoder.builder()
            .optDropout(dropout)
            .optFreezeWordEmbeddings(freeze)
            .optFrozenLayers(frozenLayers);
    if (initModel != null) {
      encoderBuilder.optModelFile(initModel);
    }
    try (MiniLmEncoder encoder = encoderBuilder.build();
        QuestionTokenizer tokenizer = QuestionTokenizer.bundled(settings.maxLength());
        SiameseTrainer trainer = new SiameseTrainer(encoder, tokenizer, settings)) {
      if (checkpoints != null) {
        trainer.checkpointTo(checkpoints, resume);
      }
      TrainingResult result = trainer.train(train, dev);
      for (TrainingResult.EpochReport e : result.epochs()) {
        System.out.printf(
            Locale.ROOT, "epoch %d: step %d, mean loss %.5f%n", e.epoch(), e.step(), e.meanLoss());
      }
      System.out.printf(
          Locale.ROOT,
          "best epoch %d; thresholds calibrated on the training pairs: similarity %.4f, head %.4f;"
              + " %.0f s%n",
          result.bestEpoch(),
          result.similarityThreshold(),
          result.headThreshold(),
          result.seconds());
      Map<String, Object> provenance = new LinkedHashMap<>();
      provenance.put(
          "base_model", "sentence-transformers/all-MiniLM-L6-v2 (" + encoder.source() + ")");
      provenance.put("training_files", trainFiles.stream().map(Path::toString).toList());
      provenance.put("training_pairs", train.size());
      provenance.put("settings", settings.asMap());
      provenance.put("dropout", dropout);
      provenance.put("freeze_word_embeddings", freeze);
      provenance.put("frozen_layers", frozenLayers);
      provenance.put("trained_at", Instant.now().toString());
      ModelExporter exporter =
          ModelExporter.of(encoder, tokenizer)
              .name("all-MiniLM-L6-v2 fine-tuned (" + settings.loss().id() + ")")
              .similarityThreshold(result.similarityThreshold())
              .provenance(provenance);
      if (trainer.head() != null) {
        exporter.pairHead(trainer.head(), result.headThreshold());
      }
      Evaluation d = result.dev();
      if (d != null) {
        exporter.metrics("quora-dev", d.asMap());
        System.out.println("dev at the calibrated threshold: " + d.asMap());
      }
      Path written = exporter.export(out);
      System.out.println("model directory: " + written);
    }
  }

  private static PairFormat formatOf(Path file) {
    return file.getFileName().toString().endsWith(".csv") ? PairFormat.QUORA : PairFormat.BIMPM;
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    return args[i];
  }
}
