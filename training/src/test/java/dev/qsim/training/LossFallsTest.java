package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.qsim.data.LabelledPair;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A few epochs over 200 real pairs with the tiny bag-of-word-pieces encoder lower every loss. */
class LossFallsTest {
  private static QuestionTokenizer tokenizer;

  @BeforeAll
  static void open() {
    tokenizer = QuestionTokenizer.bundled(32);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @ParameterizedTest
  // binary-cross-entropy trains a cross-encoder: VerifierModelTest trains one.
  @EnumSource(
      value = PairLoss.class,
      mode = EnumSource.Mode.EXCLUDE,
      names = "BINARY_CROSS_ENTROPY")
  void lossFallsOnRealPairs(PairLoss loss) {
    List<LabelledPair> pairs =
        loss == PairLoss.COSINE_MSE ? TestPairs.stsb(200) : TestPairs.quoraTrain(200);
    TrainingConfig config =
        TrainingConfig.builder()
            .loss(loss)
            .epochs(4)
            .batchSize(25)
            .learningRate(0.05)
            .headLearningRate(0.01)
            .warmupFraction(0)
            .maxLength(32)
            .labelMax(loss == PairLoss.COSINE_MSE ? 5 : 1)
            .headHidden(16)
            .seed(7)
            .build();
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 16);
        SiameseTrainer trainer = new SiameseTrainer(encoder, tokenizer, config).progressTo(null)) {
      double before = trainer.meanLoss(pairs);
      TrainingResult result = trainer.train(pairs, List.of());
      double after = trainer.meanLoss(pairs);
      assertThat(before).isFinite();
      assertThat(after).as("loss %s after training", loss).isLessThan(before * 0.9);
      assertThat(result.steps()).isEqualTo(4 * (pairsUsed(loss, pairs) / 25));
      assertThat(result.similarityThreshold()).isBetween(-1.0, 1.0);
      if (loss.trainsHead()) {
        assertThat(result.headThreshold()).isBetween(0.0, 1.0);
      } else {
        assertThat(result.headThreshold()).isNaN();
      }
    }
  }

  @Test
  void nonFiniteStepsAreSkippedAndThreeInARowStopNamingEpochStepAndSourceLine() {
    List<LabelledPair> pairs = TestPairs.quoraTrain(50);
    TrainingConfig config =
        TrainingConfig.builder().loss(PairLoss.CONTRASTIVE).batchSize(10).maxLength(32).build();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 4);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config).progressTo(to(log))) {
      NDArray table = encoder.block().getParameters().get("embedding").getArray();
      float[] nan = new float[(int) table.size()];
      Arrays.fill(nan, Float.NaN);
      table.set(nan);
      assertThatThrownBy(() -> trainer.train(pairs, List.of()))
          .isInstanceOf(TrainingException.class)
          .hasMessageContaining("3 steps in a row with a non-finite loss or gradient")
          .hasMessageContaining("epoch 1, step 3");
      assertThat(log.toString(StandardCharsets.UTF_8))
          .contains("warning: loss is NaN at epoch 1, step 1 (batch starting with the pair at")
          .contains("train-extra.tsv:")
          .contains("step skipped, weights unchanged");
    }
  }

  @Test
  void aBatchWithANonFiniteLossIsSkippedAndTrainingGoesOn() {
    List<LabelledPair> pairs = TestPairs.quoraTrain(50);
    // A word piece that occurs in exactly one of the 50 pairs; its embedding row becomes +inf.
    Map<Long, Integer> pairsWithToken = new HashMap<>();
    long[][] ids = new long[pairs.size()][];
    for (int i = 0; i < pairs.size(); i++) {
      long[][] both = tokenizer.encode(List.of(pairs.get(i).first(), pairs.get(i).second()));
      Set<Long> seen = new HashSet<>();
      for (long[] q : both) {
        for (long id : q) {
          seen.add(id);
        }
      }
      seen.forEach(id -> pairsWithToken.merge(id, 1, Integer::sum));
      ids[i] = both[0];
    }
    long rare = -1;
    for (long id : ids[7]) {
      if (pairsWithToken.get(id) == 1) {
        rare = id;
        break;
      }
    }
    assertThat(rare).as("a word piece only pair 8 has").isPositive();
    TrainingConfig config =
        TrainingConfig.builder()
            .loss(PairLoss.CONTRASTIVE)
            .batchSize(10)
            .epochs(1)
            .maxLength(32)
            .learningRate(0.05)
            .build();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 4);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config).progressTo(to(log))) {
      NDArray table = encoder.block().getParameters().get("embedding").getArray();
      table.set(new NDIndex(rare), Float.POSITIVE_INFINITY);
      List<LabelledPair> calibration = new java.util.ArrayList<>(pairs);
      calibration.remove(7); // its +inf row would give it a NaN score
      TrainingResult result = trainer.train(pairs, List.of(), calibration);
      assertThat(result.steps()).isEqualTo(5);
      assertThat(result.skippedSteps()).isEqualTo(1);
      assertThat(log.toString(StandardCharsets.UTF_8)).containsOnlyOnce("step skipped");
      assertThat(result.epochs().get(0).meanLoss()).isFinite();
    }
  }

  private static PrintStream to(ByteArrayOutputStream log) {
    return new PrintStream(log, true, StandardCharsets.UTF_8);
  }

  private static long pairsUsed(PairLoss loss, List<LabelledPair> pairs) {
    return loss == PairLoss.MNRL
        ? pairs.stream().filter(p -> p.label() >= 0.5).count()
        : pairs.size();
  }
}
