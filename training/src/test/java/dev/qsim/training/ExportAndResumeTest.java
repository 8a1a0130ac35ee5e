package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.nn.Block;
import dev.qsim.Embedding;
import dev.qsim.QsimException;
import dev.qsim.QuestionPair;
import dev.qsim.data.LabelledPair;
import dev.qsim.model.ModelMetadata;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export round trips through qsim-impl, failed exports, and resumed runs. */
class ExportAndResumeTest {
  private static QuestionTokenizer tokenizer;
  private static List<LabelledPair> pairs;

  @TempDir Path temp;

  @BeforeAll
  static void open() {
    tokenizer = QuestionTokenizer.bundled(32);
    pairs = TestPairs.quoraTrain(200);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static TrainingConfig.Builder config(PairLoss loss) {
    return TrainingConfig.builder()
        .loss(loss)
        .epochs(2)
        .batchSize(25)
        .learningRate(0.05)
        .headLearningRate(0.01)
        .maxLength(32)
        .headHidden(8)
        .seed(11);
  }

  @Test
  void exportedModelLoadsInImplAndReproducesTheTrainedEncoderAndHead() {
    List<LabelledPair> dev = TestPairs.quoraDev(60);
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 24);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config(PairLoss.SOFTMAX_HEAD).build())
                .progressTo(null)) {
      TrainingResult result = trainer.train(pairs, dev);
      assertThat(result.dev().decision()).isNotNull();
      // The public path: the run's checks, thresholds and pair head.
      Path dir =
          ModelExporter.of(trainer, result)
              .name("bag-test")
              .provenance(java.util.Map.of("test", true))
              .metrics("quora-dev", result.dev().asMap())
              .export(temp.resolve("model"));
      assertThat(dir.resolve("model.onnx")).isRegularFile();
      assertThat(dir.resolve("tokenizer.json")).isRegularFile();
      assertThat(dir.resolve("pair-head.json")).isRegularFile();
      ModelMetadata metadata = ModelMetadata.read(dir.resolve("qsim-model.json"));
      assertThat(metadata.pooling().id()).isEqualTo("mean");
      assertThat(metadata.dimension()).isEqualTo(24);
      assertThat(metadata.maxSequenceLength()).isEqualTo(32);
      assertThat(metadata.metrics().get("quora-dev")).containsKey("accuracy");

      List<String> questions = new ArrayList<>();
      List<QuestionPair> questionPairs = new ArrayList<>();
      for (LabelledPair p : dev.subList(0, 20)) {
        questions.add(p.first());
        questions.add(p.second());
        questionPairs.add(p.questions());
      }
      float[][] trained = trainer.embed(questions);
      try (OnnxQuestionSimilarity loaded =
          OnnxQuestionSimilarity.builder().setModelDirectory(dir).build()) {
        List<Embedding> served = loaded.embedAll(questions);
        for (int i = 0; i < questions.size(); i++) {
          assertThat(served.get(i).vector()).containsExactly(trained[i], within(1e-4f));
        }
        assertThat(loaded.hasPairHead()).isTrue();
        assertThat(loaded.duplicateThreshold()).isEqualTo(result.headThreshold());
        assertThat(loaded.similarityThreshold()).isEqualTo(result.similarityThreshold());
        // The SDK's own decisions on dev reproduce the trainer's decision metrics.
        double[] scores =
            loaded.duplicateScores(dev.stream().map(LabelledPair::questions).toList());
        int correct = 0;
        for (int i = 0; i < scores.length; i++) {
          if ((scores[i] >= loaded.duplicateThreshold()) == dev.get(i).isDuplicate()) {
            correct++;
          }
        }
        assertThat((double) correct / dev.size())
            .isCloseTo(result.dev().decision().accuracy(), within(1.5 / dev.size()));
      }
    }
  }

  /** {@code ok} with other epoch reports and another balanced accuracy of the pair head. */
  private static TrainingResult with(
      TrainingResult ok, List<TrainingResult.EpochReport> epochs, double headBalancedAccuracy) {
    return new TrainingResult(
        ok.steps(),
        ok.skippedSteps(),
        epochs,
        epochs.size(),
        ok.similarityThreshold(),
        ok.headThreshold(),
        ok.candidateThreshold(),
        null,
        ok.seconds(),
        ok.calibrationBalancedAccuracy(),
        headBalancedAccuracy);
  }

  @Test
  void theExportOfARunRefusesOneThatDivergedOrCannotDecideAndWritesNothing() {
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 24);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config(PairLoss.SOFTMAX_HEAD).build())
                .progressTo(null)) {
      TrainingResult ok = trainer.train(pairs, List.of());
      TrainingResult diverged =
          with(
              ok,
              List.of(new TrainingResult.EpochReport(1, ok.steps(), Double.NaN, null)),
              ok.headCalibrationBalancedAccuracy());
      TrainingResult constant = with(ok, ok.epochs(), 0.5);
      assertThatThrownBy(() -> ModelExporter.of(trainer, diverged).export(temp.resolve("a")))
          .isInstanceOf(TrainingException.class)
          .hasMessageContaining("diverged");
      assertThatThrownBy(() -> ModelExporter.of(trainer, constant).export(temp.resolve("b")))
          .isInstanceOf(TrainingException.class)
          .hasMessageContaining("pair-head decision is degenerate");
      assertThat(temp.resolve("a")).doesNotExist();
      assertThat(temp.resolve("b")).doesNotExist();
    }
  }

  @Test
  void failedExportLeavesNoDirectoryAndExistingTargetsAreKept() throws Exception {
    TrainableEncoder broken =
        new TrainableEncoder() {
          private final EmbeddingBagEncoder inner =
              new EmbeddingBagEncoder(tokenizer.vocabularySize(), 4);

          @Override
          public Block block() {
            return inner.block();
          }

          @Override
          public int dimension() {
            return 4;
          }

          @Override
          public boolean normalize() {
            return true;
          }

          @Override
          public void exportOnnx(Path onnxFile) {
            throw new TrainingException("disk full while writing " + onnxFile);
          }

          @Override
          public String exportedPooling() {
            return "mean";
          }

          @Override
          public void close() {}
        };
    Path target = temp.resolve("model");
    assertThatThrownBy(
            () -> ModelExporter.of(broken, tokenizer).similarityThreshold(0.5).export(target))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("disk full");
    assertThat(target).doesNotExist();
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left).isEmpty();
    }

    Files.createDirectories(target);
    Files.writeString(target.resolve("keep.txt"), "mine");
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 4);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config(PairLoss.CONTRASTIVE).build())
                .progressTo(null)) {
      assertThatThrownBy(
              () -> ModelExporter.of(encoder, tokenizer).similarityThreshold(0.5).export(target))
          .isInstanceOf(QsimException.class)
          .hasMessageContaining("already exists")
          .hasMessageContaining(target.getFileName().toString());
      assertThat(trainer.head()).isNull();
    }
    assertThat(target.resolve("keep.txt")).hasContent("mine");
  }

  @Test
  void resumedRunContinuesFromTheSavedStepAndEndsWhereAnUninterruptedRunEnds() {
    TrainingConfig config = config(PairLoss.ONLINE_CONTRASTIVE).checkpointEvery(3).build();
    double uninterrupted;
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 16);
        SiameseTrainer trainer = new SiameseTrainer(encoder, tokenizer, config).progressTo(null)) {
      TrainingResult full = trainer.train(pairs, List.of());
      assertThat(full.steps()).isEqualTo(16);
      uninterrupted = trainer.meanLoss(pairs);
    }
    Path checkpoints = temp.resolve("checkpoints");
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 16);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config)
                .progressTo(null)
                .checkpointTo(checkpoints, false)) {
      trainer.stopAfterStep(10);
      assertThatThrownBy(() -> trainer.train(pairs, List.of()))
          .isInstanceOf(TrainingException.class)
          .hasMessageContaining("after step 10");
    }
    // Checkpoints at step 3, 6, 8 (epoch end) and 9; the two newest are kept.
    assertThat(checkpoints.resolve("checkpoint-000000009/state.json")).isRegularFile();
    assertThat(checkpoints.resolve("checkpoint-000000008")).isDirectory();
    assertThat(checkpoints.resolve("checkpoint-000000006")).doesNotExist();
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 16);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config)
                .progressTo(null)
                .checkpointTo(checkpoints, true)) {
      double before = trainer.meanLoss(pairs);
      TrainingResult resumed = trainer.train(pairs, List.of());
      assertThat(resumed.steps()).isEqualTo(16);
      assertThat(resumed.epochs()).hasSize(2);
      double after = trainer.meanLoss(pairs);
      assertThat(after).isLessThan(before);
      assertThat(after).isCloseTo(uninterrupted, within(1e-4));
    }
  }

  @Test
  void resumeRefusesACheckpointOfDifferentSettings() {
    Path checkpoints = temp.resolve("checkpoints");
    TrainingConfig config = config(PairLoss.CONTRASTIVE).epochs(1).build();
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 8);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config)
                .progressTo(null)
                .checkpointTo(checkpoints, false)) {
      trainer.train(pairs, List.of());
    }
    TrainingConfig other = config.toBuilder().batchSize(20).build();
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 8);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, other)
                .progressTo(null)
                .checkpointTo(checkpoints, true)) {
      assertThatThrownBy(() -> trainer.train(pairs, List.of()))
          .isInstanceOf(TrainingException.class)
          .hasMessageContaining("batch_size=25")
          .hasMessageContaining("checkpoint-000000008");
    }
  }

  @Test
  void resumesFromACheckpointOfTheFirstEpochWhoseBestScoreIsNull() throws Exception {
    // Without dev pairs and within the first epoch there is no best score yet: Gson leaves the
    // null out of state.json, and resuming used to fail on the missing key.
    TrainingConfig config = config(PairLoss.ONLINE_CONTRASTIVE).checkpointEvery(3).build();
    Path checkpoints = temp.resolve("checkpoints");
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 16);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config)
                .progressTo(null)
                .checkpointTo(checkpoints, false)) {
      trainer.stopAfterStep(4);
      assertThatThrownBy(() -> trainer.train(pairs, List.of()))
          .hasMessageContaining("after step 4");
    }
    String state = Files.readString(checkpoints.resolve("checkpoint-000000003/state.json"));
    assertThat(state).doesNotContain("best_score").contains("\"sha256\"");
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 16);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config)
                .progressTo(null)
                .checkpointTo(checkpoints, true)) {
      TrainingResult resumed = trainer.train(pairs, List.of());
      assertThat(resumed.steps()).isEqualTo(16);
      assertThat(resumed.epochs()).hasSize(2);
    }
  }

  @Test
  void resumeRefusesOtherTrainingDataUnlessForced() {
    TrainingConfig config = config(PairLoss.CONTRASTIVE).epochs(2).checkpointEvery(3).build();
    Path checkpoints = temp.resolve("checkpoints");
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 8);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config)
                .progressTo(null)
                .checkpointTo(checkpoints, false)) {
      trainer.stopAfterStep(4);
      assertThatThrownBy(() -> trainer.train(pairs, List.of())).hasMessageContaining("step 4");
    }
    List<LabelledPair> other = TestPairs.quoraDev(200);
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 8);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config)
                .progressTo(null)
                .checkpointTo(checkpoints, true)) {
      assertThatThrownBy(() -> trainer.train(other, List.of()))
          .isInstanceOf(TrainingException.class)
          .hasMessageContaining("it was trained on")
          .hasMessageContaining("train-extra.tsv")
          .hasMessageContaining("this run reads")
          .hasMessageContaining("dev.tsv")
          .hasMessageContaining("--force-resume");
    }
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 8);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config)
                .progressTo(null)
                .checkpointTo(checkpoints, true, true)) {
      assertThat(trainer.train(other, List.of()).steps()).isEqualTo(16);
    }
  }
}
