package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The online contrastive loss against hand computations on 2-d vectors. */
class OnlineContrastiveTest {
  // u = (1, 0) for every pair; v at angles whose cosines are 0.8, 0.6 and 0.0: d = 1 - cos = 0.2,
  // 0.4, 1.0.
  private static NDArray us(NDManager m) {
    return m.create(new float[][] {{1, 0}, {1, 0}, {1, 0}});
  }

  private static NDArray vs(NDManager m) {
    return m.create(new float[][] {{0.8f, 0.6f}, {0.6f, 0.8f}, {0, 1}});
  }

  @Test
  void onlyHardPairsCountInAMixedBatch() {
    try (NDManager m = NDManager.newBaseManager(SiameseTrainer.ENGINE)) {
      // Labels: duplicate (d 0.2), non-duplicate (d 0.4), duplicate (d 1.0).
      // maxPos = 1.0, minNeg = 0.4: hard duplicates have d > 0.4 -> the third (1.0² = 1.0);
      // hard non-duplicates have d < 1.0 -> the second (relu(0.5 - 0.4)² = 0.01). Sum 1.01.
      NDArray loss = Losses.onlineContrastive(us(m), vs(m), new float[] {1, 0, 1}, 0.5f);
      assertThat((double) loss.getFloat()).isCloseTo(1.01, within(1e-5));
    }
  }

  @Test
  void everyPairIsHardWhenTheBatchHoldsOneClass() {
    try (NDManager m = NDManager.newBaseManager(SiameseTrainer.ENGINE)) {
      // All duplicates: 0.2² + 0.4² + 1.0² = 1.2.
      NDArray duplicates = Losses.onlineContrastive(us(m), vs(m), new float[] {1, 1, 1}, 0.5f);
      assertThat((double) duplicates.getFloat()).isCloseTo(1.2, within(1e-5));
      // All non-duplicates: relu(0.5 - 0.2)² + relu(0.5 - 0.4)² + 0 = 0.09 + 0.01 = 0.1.
      NDArray others = Losses.onlineContrastive(us(m), vs(m), new float[] {0, 0, 0}, 0.5f);
      assertThat((double) others.getFloat()).isCloseTo(0.1, within(1e-5));
    }
  }
}
