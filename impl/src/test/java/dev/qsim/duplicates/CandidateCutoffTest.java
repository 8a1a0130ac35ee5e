package dev.qsim.duplicates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.SimilarityFunction;
import org.junit.jupiter.api.Test;

class CandidateCutoffTest {
  @Test
  void aProductJustBelowTheThresholdPassesAndOneBeyondTheMarginIsSkipped() {
    for (double threshold : new double[] {0.8, 0.55, -0.3, 40.0}) {
      SimilarityFunction f =
          threshold > 1 ? SimilarityFunction.DOT_PRODUCT : SimilarityFunction.COSINE;
      float floor = CandidateCutoff.floor(f, threshold);
      float t = (float) threshold;
      float margin = CandidateCutoff.EPSILON * Math.max(1f, Math.abs(t));
      // A float product a rounding error below the threshold still reaches the exact comparison.
      float justBelow = t - margin / 4;
      assertThat(justBelow).as("%s", threshold).isLessThan(t).isGreaterThanOrEqualTo(floor);
      assertThat(Math.nextDown(t)).isGreaterThanOrEqualTo(floor);
      // Beyond the margin a product cannot reach the threshold: skipped.
      float beyond = t - 2 * margin;
      assertThat(beyond).as("%s", threshold).isLessThan(floor);
      assertThat(t).isGreaterThanOrEqualTo(floor);
    }
  }

  @Test
  void theMarginCoversTheRoundingOfFloatProductsOfUnitVectors() {
    java.util.Random rnd = new java.util.Random(3);
    double worst = 0;
    for (int trial = 0; trial < 2000; trial++) {
      int d = 384;
      float[] a = new float[d];
      float[] b = new float[d];
      for (int i = 0; i < d; i++) {
        a[i] = (float) rnd.nextGaussian();
        b[i] = (float) (a[i] + 0.3 * rnd.nextGaussian());
      }
      double exact = SimilarityFunction.COSINE.compare(a, b);
      float[] ua = unit(a);
      float[] ub = unit(b);
      float product = 0;
      for (int i = 0; i < d; i++) {
        product += ua[i] * ub[i];
      }
      worst = Math.max(worst, Math.abs(product - exact));
      if (exact >= 0.9) {
        assertThat(product)
            .isGreaterThanOrEqualTo(CandidateCutoff.floor(SimilarityFunction.COSINE, exact));
      }
    }
    assertThat(worst).isPositive().isLessThan(CandidateCutoff.EPSILON / 2);
  }

  private static float[] unit(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(sq));
    }
    return out;
  }

  @Test
  void euclideanSkipsNothingAndAThresholdMustBeFinite() {
    assertThat(CandidateCutoff.floor(SimilarityFunction.EUCLIDEAN, 0.5))
        .isEqualTo(Float.NEGATIVE_INFINITY);
    assertThatThrownBy(() -> CandidateCutoff.floor(SimilarityFunction.COSINE, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threshold must be finite, was NaN");
  }
}
