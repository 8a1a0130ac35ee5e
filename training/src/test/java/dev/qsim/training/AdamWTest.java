package dev.qsim.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {

  @Test
  void clipsByTheGlobalNormNotPerElement() {
    try (NDManager m = NDManager.newBaseManager(SiameseTrainer.ENGINE)) {
      // Hand computation: the global norm of (3, 4) and (12) is sqrt(9 + 16 + 144) = 13; clipping
      // to
      // 6.5 scales every element by 6.5 / 13 = 0.5 -> (1.5, 2) and (6). Per-element clipping at 6.5
      // would have left (3, 4) alone and cut 12 to 6.5.
      NDArray a = m.create(new float[] {3, 4});
      NDArray b = m.create(new float[] {12});
      double norm = AdamW.clipGlobalNorm(List.of(a, b), 6.5);
      assertThat(norm).isCloseTo(13.0, within(1e-9));
      assertThat(a.toFloatArray()).containsExactly(new float[] {1.5f, 2f}, within(1e-5f));
      assertThat(b.toFloatArray()).containsExactly(new float[] {6f}, within(1e-5f));
    }
  }

  @Test
  void leavesSmallGradientsAndNonFiniteNormsAlone() {
    try (NDManager m = NDManager.newBaseManager(SiameseTrainer.ENGINE)) {
      NDArray a = m.create(new float[] {0.3f, 0.4f});
      assertThat(AdamW.clipGlobalNorm(List.of(a), 1.0)).isCloseTo(0.5, within(1e-7));
      assertThat(a.toFloatArray()).containsExactly(0.3f, 0.4f);
      NDArray nan = m.create(new float[] {Float.NaN, 1f});
      assertThat(AdamW.clipGlobalNorm(List.of(nan), 1.0)).isNaN();
      NDArray off = m.create(new float[] {30f, 40f});
      assertThat(AdamW.clipGlobalNorm(List.of(off), 0)).isCloseTo(50, within(1e-6));
      assertThat(off.toFloatArray()).containsExactly(30f, 40f);
    }
  }

  @Test
  void clearZeroesNonFiniteGradientsWhereZeroCannot() {
    try (NDManager m = NDManager.newBaseManager(SiameseTrainer.ENGINE)) {
      NDArray a = m.create(new float[] {Float.NaN, 1f, Float.POSITIVE_INFINITY, -2f});
      NDArray b = m.create(new float[][] {{3f, Float.NEGATIVE_INFINITY}, {0.5f, 7f}});
      AdamW.zero(List.of(a));
      assertThat(a.toFloatArray()[0]).isNaN();
      AdamW.clear(List.of(a, b));
      assertThat(a.toFloatArray()).containsExactly(0f, 0f, 0f, 0f);
      assertThat(b.toFloatArray()).containsExactly(0f, 0f, 0f, 0f);
      assertThat(b.getShape()).isEqualTo(new Shape(2, 2));
    }
  }

  @Test
  void decaysWeightMatricesButNotBiasesOrNorms() {
    try (NDManager m = NDManager.newBaseManager(SiameseTrainer.ENGINE)) {
      Linear linear = Linear.builder().setUnits(3).build();
      linear.initialize(m, DataType.FLOAT32, new Shape(1, 4));
      LayerNorm norm = LayerNorm.builder().build();
      norm.initialize(m, DataType.FLOAT32, new Shape(1, 4));
      Parameter weight = linear.getParameters().get("weight");
      Parameter bias = linear.getParameters().get("bias");
      assertThat(AdamW.decays(weight)).isTrue();
      assertThat(AdamW.decays(bias)).isFalse();
      for (Parameter p : norm.getParameters().values()) {
        assertThat(AdamW.decays(p)).as(p.getName()).isFalse();
      }
    }
  }

  @Test
  void oneStepMatchesTheAdamWFormula() {
    try (NDManager m = NDManager.newBaseManager(SiameseTrainer.ENGINE)) {
      Linear linear = Linear.builder().setUnits(1).build();
      linear.initialize(m, DataType.FLOAT32, new Shape(1, 2));
      Parameter weight = linear.getParameters().get("weight");
      Parameter bias = linear.getParameters().get("bias");
      weight.getArray().set(new float[] {1f, -2f});
      bias.getArray().set(new float[] {0.5f});
      AdamW adam = new AdamW(m, 0.1);
      adam.add(List.of(weight, bias), 0);
      // First step: m = 0.1 g, v = 0.001 g^2, bias-corrected m/(sqrt(v)+eps) = g/|g| (eps aside),
      // so each value moves by lr * sign(g); the weight also shrinks by lr * wd * w first.
      NDArray gw = m.create(new float[] {0.2f, -0.4f}, new Shape(1, 2));
      NDArray gb = m.create(new float[] {-3f});
      adam.update(List.of(gw, gb), new double[] {0.01});
      float[] w = weight.getArray().toFloatArray();
      assertThat(w[0]).isCloseTo(1f - 0.01f * 0.1f * 1f - 0.01f, within(1e-5f));
      assertThat(w[1]).isCloseTo(-2f + 0.01f * 0.1f * 2f + 0.01f, within(1e-5f));
      assertThat(bias.getArray().toFloatArray()[0]).isCloseTo(0.5f + 0.01f, within(1e-5f));
    }
  }
}
