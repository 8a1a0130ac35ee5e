package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.data.LabelledPair;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The step the benchmark times is the step the trainer takes. */
class TrainStepTest {

  private static TrainingConfig config() {
    return TrainingConfig.builder()
        .loss(PairLoss.ONLINE_CONTRASTIVE)
        .epochs(2)
        .batchSize(20)
        .learningRate(0.05)
        .maxLength(24)
        .seed(5)
        .build();
  }

  @Test
  void timedStepsLeaveTheWeightsWhereTheTrainersOwnStepsDo() {
    List<LabelledPair> pairs = TestPairs.quoraTrain(100);
    byte[] trained;
    byte[] timed;
    StepTimes times;
    try (QuestionTokenizer tokenizer = QuestionTokenizer.bundled(24);
        EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 16);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config()).progressTo(null)) {
      // Steps 1..7 cross an epoch end (5 steps an epoch).
      trainer.stopAfterStep(7);
      assertThatThrownBy(() -> trainer.train(pairs, List.of()))
          .hasMessageContaining("after step 7");
      trained = Checkpoints.snapshot(trainer)[0];
    }
    try (QuestionTokenizer tokenizer = QuestionTokenizer.bundled(24);
        EmbeddingBagEncoder encoder = new EmbeddingBagEncoder(tokenizer.vocabularySize(), 16);
        SiameseTrainer trainer =
            new SiameseTrainer(encoder, tokenizer, config()).progressTo(null)) {
      times = trainer.timeSteps(pairs, 3, 4);
      timed = Checkpoints.snapshot(trainer)[0];
    }
    assertThat(timed).isEqualTo(trained);
    assertThat(times.seconds()).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(times.seconds()[i]).isPositive();
      assertThat(times.losses()[i]).isFinite();
    }
    assertThat(times.nonFinite()).isZero();
    assertThat(times.summary())
        .containsEntry("steps", 4.0)
        .containsEntry("pairs", 20.0)
        .containsKeys("median_s_per_step", "median_cpu_s_per_step", "pairs_per_s");
  }
}
