package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.model.ModelMetadata;
import dev.qsim.model.Pooling;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  @TempDir Path temp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return TrainCommand.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** Runs a command line given as a format string; arguments must not contain spaces. */
  private int runLine(String format, Object... args) {
    return run(String.format(java.util.Locale.ROOT, format, args).split(" "));
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void trainsTheBagEncoderOnRealPairsAndWritesALoadableModel() {
    Path model = temp.resolve("bag-model");
    int status =
        run(
            "--train",
            TestPairs.DATA.resolve("quora/train-extra.tsv").toString(),
            "--dev",
            TestPairs.DATA.resolve("quora/dev.tsv").toString(),
            "--limit",
            "300",
            "--dev-limit",
            "100",
            "--calibrate",
            TestPairs.DATA.resolve("quora/dev.tsv").toString(),
            "--encoder",
            "bag",
            "--loss",
            "softmax-head",
            "--head-hidden",
            "8",
            "--epochs",
            "2",
            "--batch-size",
            "25",
            "--max-length",
            "24",
            "--out",
            model.toString(),
            "--quiet");
    assertThat(status).as(stderr()).isZero();
    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(report)
        .contains("Trained 24 steps")
        .contains("Calibrated on the dev.tsv")
        .contains("Dev (100 pairs)")
        .contains("Wrote");
    ModelMetadata metadata = ModelMetadata.read(model.resolve("qsim-model.json"));
    assertThat(metadata.pairHeadFile()).isEqualTo("pair-head.json");
    assertThat(metadata.metrics()).containsKey("quora-dev");
    // The one provenance schema (docs/training.md).
    assertThat(metadata.provenance())
        .containsKeys(
            "trained_by",
            "command",
            "trained_at",
            "encoder",
            "settings",
            "training_data",
            "duplicate_rule",
            "steps",
            "skipped_non_finite_steps",
            "best_epoch");
    assertThat(model.resolveSibling("bag-model.checkpoints")).isDirectory();
    try (OnnxQuestionSimilarity loaded =
        OnnxQuestionSimilarity.builder().setModelDirectory(model).build()) {
      assertThat(loaded.hasPairHead()).isTrue();
      assertThat(loaded.maxSequenceLength()).isEqualTo(24);
      assertThat(loaded.similarity("How do I learn Java?", "How do I learn Java?"))
          .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
    // Never overwrites.
    assertThat(run("--train", "x.tsv", "--out", model.toString(), "--encoder", "bag")).isEqualTo(1);
    assertThat(stderr()).contains("already exists");
  }

  @Test
  void trainsAPairHeadOverTheFrozenEncoderOfAnotherModelDirectory() {
    String train = TestPairs.DATA.resolve("quora/train-extra.tsv").toString();
    String dev = TestPairs.DATA.resolve("quora/dev.tsv").toString();
    Path base = temp.resolve("cnn-base");
    String x = temp.resolve("x").toString();
    int status =
        runLine(
            // A CNN base: its graph pools itself (pooling "none"), unlike the bundled model.
            "--train %s --limit 200 --encoder cnn --loss contrastive --batch-size 25"
                + " --max-length 24 --out %s --quiet",
            train, base);
    assertThat(status).as(stderr()).isZero();
    assertThat(runLine("--train %s --encoder bag --base-model %s --out %s", train, base, x))
        .isEqualTo(1);
    assertThat(stderr())
        .contains("--base-model applies to --encoder frozen-minilm and cross-minilm only");
    assertThat(runLine("--train %s --encoder bag --frozen-layers 2 --out %s", train, x))
        .isEqualTo(1);
    assertThat(stderr())
        .contains("--frozen-layers apply to --encoder minilm and cross-minilm only");
    assertThat(temp.resolve("x")).doesNotExist();

    Path headed = temp.resolve("cnn-with-head");
    status =
        runLine(
            "--train %s --limit 300 --dev %s --dev-limit 100 --encoder frozen-minilm"
                + " --base-model %s --head-hidden 8 --epochs 2 --cache-dir %s --out %s --quiet",
            train, dev, base, temp.resolve("cache"), headed);
    assertThat(status).as(stderr()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Dev (100 pairs)");
    ModelMetadata metadata = ModelMetadata.read(headed.resolve("qsim-model.json"));
    assertThat(metadata.pairHeadFile()).isEqualTo("pair-head.json");
    assertThat(metadata.provenance().get("encoder")).isEqualTo("frozen-minilm");
    assertThat(metadata.candidateThreshold())
        .as("calibrated with the head: recall-oriented, at most the similarity threshold")
        .isFinite()
        .isLessThanOrEqualTo(metadata.similarityThreshold());
    assertThat(metadata.provenance()).containsKey("candidate_threshold");
    assertThat(metadata.provenance().get("settings").toString()).contains(base.toString());
    assertThat(metadata.provenance()).containsKey("base_model_provenance");
    assertThat(temp.resolve("cache")).isDirectoryContaining("glob:**embeddings-*.f32");
    assertThat(metadata.maxSequenceLength()).isEqualTo(24);
    assertThat(metadata.pooling())
        .as("the base's own pooling, not the bundled model's mean")
        .isEqualTo(Pooling.NONE);
    Object settings = metadata.provenance().get("settings");
    assertThat(settings).isInstanceOf(java.util.Map.class);
    assertThat(((Number) ((java.util.Map<?, ?>) settings).get("max_length")).intValue())
        .as("the base encoder's length, not the --max-length default")
        .isEqualTo(24);
    List<String> questions = List.of("How do I learn Java?", "Why is the sky blue at noon?");
    try (OnnxQuestionSimilarity before =
            OnnxQuestionSimilarity.builder().setModelDirectory(base).build();
        OnnxQuestionSimilarity after =
            OnnxQuestionSimilarity.builder().setModelDirectory(headed).build()) {
      // The encoder is the base model's, unchanged; only the head is new.
      assertThat(after.hasPairHead()).isTrue();
      for (String q : questions) {
        assertThat(after.embed(q).vector()).containsExactly(before.embed(q).vector());
      }
    }
  }

  @Test
  void malformedTrainingFileIsAnErrorNamingFileAndLine() throws Exception {
    Path bad = temp.resolve("bad.tsv");
    Files.writeString(
        bad,
        "1\tHow do I cook rice?\tWhat is the best way to cook rice?\t1\n"
            + "0\tIs the moon made of cheese?\tHow far is the moon?\t2\n"
            + "maybe\tWhat is Java?\tWhat is Python?\t3\n",
        StandardCharsets.UTF_8);
    int status =
        run("--train", bad.toString(), "--encoder", "bag", "--out", temp.resolve("m").toString());
    assertThat(status).isEqualTo(1);
    assertThat(stderr()).contains(bad.toString() + ":3").contains("label");
    assertThat(temp.resolve("m")).doesNotExist();

    err.reset();
    status =
        run(
            "--train",
            bad.toString(),
            "--encoder",
            "bag",
            "--skip-bad-rows",
            "--batch-size",
            "2",
            "--quiet",
            "--out",
            temp.resolve("m").toString());
    assertThat(status).as(stderr()).isZero();
    assertThat(stderr()).contains("Read 2 pairs").contains("skipped 1 bad rows");
  }

  @Test
  void unknownLossAndMissingFileAreClearErrors() {
    assertThat(
            run(
                "--train",
                "nowhere.tsv",
                "--encoder",
                "bag",
                "--out",
                temp.resolve("m").toString()))
        .isEqualTo(1);
    assertThat(stderr()).contains("nowhere.tsv");
    err.reset();
    assertThat(
            run(
                "--train",
                TestPairs.DATA.resolve("quora/dev.tsv").toString(),
                "--loss",
                "hinge",
                "--encoder",
                "bag",
                "--out",
                temp.resolve("m").toString()))
        .isEqualTo(1);
    assertThat(stderr()).contains("Unknown loss 'hinge'");
  }

  @Test
  void eachTrainFileIsReadWithItsOwnFormatPartAndBinarisation() throws Exception {
    Path msrp = TestPairs.DATA.resolve("sts/msrp-train.tsv");
    Path stsb = TestPairs.DATA.resolve("sts/stsb-train.tsv");
    Path model = temp.resolve("selected");
    int status =
        runLine(
            "--train %s --format msrp --part train --train %s --part train --format stsb"
                + " --binarize 2,4 --encoder bag --loss softmax-head --head-hidden 8 --epochs 1"
                + " --batch-size 50 --max-length 24 --out %s --quiet",
            msrp, stsb, model);
    assertThat(status).as(stderr()).isZero();
    // The same pairs as qsim's --part and --binarize select (one reading of those options).
    int msrpTrain =
        dev.qsim.data.PairReader.read(
                msrp,
                dev.qsim.data.PairFormat.MSRP,
                dev.qsim.data.ReadOptions.defaults().withPart(dev.qsim.data.DataPart.TRAIN))
            .size();
    int stsbTrain =
        dev.qsim.data.PairReader.read(
                stsb,
                dev.qsim.data.PairFormat.STSB,
                dev.qsim.data.ReadOptions.defaults()
                    .withPart(dev.qsim.data.DataPart.TRAIN)
                    .withBinarized(2, 4))
            .size();
    assertThat(stderr())
        .contains("Read " + msrpTrain + " pairs")
        .contains("as msrp, part train")
        .contains("Read " + stsbTrain + " pairs")
        .contains("as stsb, part train, binarized 2,4");
    String data = ModelMetadata.read(model.resolve("qsim-model.json")).provenance().toString();
    assertThat(data).contains("part=train").contains("binarized=2,4");

    assertThat(runLine("--train %s --format stsb --binarize 4 --out %s", stsb, temp.resolve("x")))
        .isNotZero();
    assertThat(stderr()).contains("--binarize needs two numbers, LOW,HIGH");
    assertThat(temp.resolve("x")).doesNotExist();
  }
}
