package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import dev.qsim.data.LabelledPair;
import java.util.Arrays;
import java.util.List;
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
  @EnumSource(PairLoss.class)
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
  void nonFiniteLossStopsNamingEpochStepAndSourceLine() {
    List<LabelledPair> pairs = TestPairs.quoraTrain(50);
    TrainingConfig config =
        TrainingConfig.builder().loss(PairLoss.CONTRASTIVE).batchSize(10).maxLength(32).build();
    try (EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 4);
        SiameseTrainer trainer = new SiameseTrainer(encoder, tokenizer, config).progressTo(null)) {
      NDArray table = encoder.block().getParameters().get("embedding").getArray();
      float[] nan = new float[(int) table.size()];
      Arrays.fill(nan, Float.NaN);
      table.set(nan);
      assertThatThrownBy(() -> trainer.train(pairs, List.of()))
          .isInstanceOf(TrainingException.class)
          .hasMessageContaining("loss is NaN")
          .hasMessageContaining("epoch 1, step 1")
          .hasMessageContaining("train-extra.tsv:");
    }
  }

  private static long pairsUsed(PairLoss loss, List<LabelledPair> pairs) {
    return loss == PairLoss.MNRL
        ? pairs.stream().filter(p -> p.label() >= 0.5).count()
        : pairs.size();
  }
}
