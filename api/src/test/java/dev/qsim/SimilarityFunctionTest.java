package dev.qsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * The one cosine of qsim ({@link SimilarityFunction#COSINE}), which the SDK, the search and
 * training's calibration all use: properties over generated vectors (jqwik).
 */
class SimilarityFunctionTest {
  private static final SimilarityFunction COSINE = SimilarityFunction.COSINE;

  private static float[] scaled(float[] v, float factor) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * factor;
    }
    return out;
  }

  /** The cosine without the clamp, to show that the data reaches past 1 by rounding. */
  private static double unclamped(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / (Math.sqrt(na) * Math.sqrt(nb));
  }

  /**
   * Self-similarity 1 (also after scaling by a positive factor), -1 after a negative one, symmetry
   * and range, over vectors of 1 to 400 dimensions and magnitudes from 1e-3 to 1e3.
   */
  @Property(tries = 300)
  void selfSimilarityIsOneSymmetricAndWithinMinusOneToOne(
      @ForAll("vectorPairs") float[][] pair,
      @ForAll @DoubleRange(min = 0.01, max = 100) double factor) {
    float[] a = pair[0];
    float[] b = pair[1];
    float[] same = scaled(a, (float) factor);
    float[] opposite = scaled(a, (float) -factor);
    assertThat(COSINE.compare(a, a)).as("self").isCloseTo(1.0, within(1e-12));
    assertThat(COSINE.compare(a, same)).as("scaled").isCloseTo(1.0, within(1e-6));
    assertThat(COSINE.compare(a, opposite)).as("negated").isCloseTo(-1.0, within(1e-6));
    assertThat(COSINE.compare(a, b)).as("symmetric").isEqualTo(COSINE.compare(b, a));
    boolean beyond = false;
    for (float[] other : new float[][] {a, b, same, opposite}) {
      assertThat(COSINE.compare(a, other)).as("range").isBetween(-1.0, 1.0);
      beyond |= Math.abs(unclamped(a, other)) > 1;
    }
    // Rounding does push the plain formula past +-1 on this data: the range check has teeth.
    Statistics.label("unclamped beyond +-1").collect(beyond);
    Statistics.label("unclamped beyond +-1")
        .coverage(coverage -> coverage.check(true).count(n -> n > 0));
  }

  /** Two Gaussian vectors of the same dimension, each scaled by a power of ten. */
  @Provide
  Arbitrary<float[][]> vectorPairs() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 400),
            Arbitraries.longs(),
            Arbitraries.integers().between(-3, 3))
        .as(
            (d, seed, exponent) -> {
              Random rnd = new Random(seed);
              double scale = Math.pow(10, exponent);
              float[][] pair = new float[2][d];
              for (float[] v : pair) {
                for (int i = 0; i < d; i++) {
                  v[i] = (float) (scale * rnd.nextGaussian());
                }
              }
              return pair;
            });
  }

  @Test
  void zeroVectorsHaveSimilarityZeroAndDimensionsMustMatch() {
    assertThat(COSINE.compare(new float[3], new float[] {1, 2, 3})).isZero();
    assertThatThrownBy(() -> COSINE.compare(new float[3], new float[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 vs 4");
  }
}
