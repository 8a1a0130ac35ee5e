package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The numerics behind "no skipped steps": finite gradients at zero rows, no skipped batches. */
class LossesTest {

  @Test
  void l2NormalizeHasAFiniteGradientAtARowOfZeros() {
    SiameseTrainer.configureEngine();
    try (NDManager m = NDManager.newBaseManager(SiameseTrainer.ENGINE)) {
      // Row 0 is all zeros: what the bag encoder pools for a question of padding only. The old
      // form max(sqrt(sum(x²)), eps) had a NaN gradient there (sqrt'(0) = inf, times 0).
      NDArray x = m.create(new float[] {0, 0, 0, 3, 4, 0}, new Shape(2, 3));
      x.setRequiresGradient(true);
      try (GradientCollector c = Engine.getEngine(SiameseTrainer.ENGINE).newGradientCollector()) {
        NDArray y = Losses.l2Normalize(x);
        assertThat(y.toFloatArray()).containsExactly(0f, 0f, 0f, 0.6f, 0.8f, 0f);
        c.backward(y.mul(m.create(new float[] {1, 2, 3, 1, 2, 3}, new Shape(2, 3))).sum());
      }
      float[] grad = x.getGradient().toFloatArray();
      for (float g : grad) {
        assertThat(Float.isFinite(g)).as("gradient %s", java.util.Arrays.toString(grad)).isTrue();
      }
    }
  }

  @Test
  void aBatchWithoutAHardPairIsAStepWithAZeroLossNotASkip() {
    SiameseTrainer.configureEngine();
    try (NDManager m = NDManager.newBaseManager(SiameseTrainer.ENGINE)) {
      // The duplicates are closer than the non-duplicate: no pair is hard.
      NDArray u = m.create(new float[] {1, 0, 0, 1, 1, 0}, new Shape(3, 2));
      NDArray v = m.create(new float[] {1, 0, 0, 1, 0, 1}, new Shape(3, 2));
      u.setRequiresGradient(true);
      NDArray loss;
      try (GradientCollector c = Engine.getEngine(SiameseTrainer.ENGINE).newGradientCollector()) {
        loss = Losses.onlineContrastive(u, v, new float[] {1, 1, 0}, 0.5f);
        assertThat(loss).isNotNull();
        assertThat(loss.getFloat()).isZero();
        c.backward(loss);
      }
      assertThat(u.getGradient().toFloatArray()).containsOnly(0f);
      NDArray mnrl = Losses.multipleNegativesRanking(u, v, new float[] {1, 0, 0}, 20f);
      assertThat(mnrl).isNotNull();
      assertThat(mnrl.getFloat()).isZero();
    }
  }
}
