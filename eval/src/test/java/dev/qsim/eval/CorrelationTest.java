package dev.qsim.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CorrelationTest {

  /*
   * Hand-checked: x = 1..5, y = 2 4 5 4 5.
   * Pearson: means 3 and 4; dx = -2 -1 0 1 2, dy = -2 0 1 0 1; sxy = 6, sxx = 10, syy = 6
   *   -> 6 / sqrt(60) = 0.7745966692414834
   * Spearman: ranks of y with ties averaged = 1 2.5 4.5 2.5 4.5 (mean 3); d = -2 -.5 1.5 -.5 1.5;
   *   sxy = 4 + .5 + 0 - .5 + 3 = 7, syy = 9 -> 7 / sqrt(90) = 0.7378647873726218
   */
  @Test
  void handCheckedCase() {
    double[] x = {1, 2, 3, 4, 5};
    double[] y = {2, 4, 5, 4, 5};
    assertThat(Correlation.pearson(x, y)).isCloseTo(6 / Math.sqrt(60), within(1e-15));
    assertThat(Correlation.spearman(x, y)).isCloseTo(7 / Math.sqrt(90), within(1e-15));
    assertThat(Correlation.ranks(y)).containsExactly(1, 2.5, 4.5, 2.5, 4.5);
  }

  /**
   * Pearson and Spearman agree with the textbook formulas on generated data: small integers (many
   * ties) or Gaussian values, y a noisy copy of x; without ties Spearman is also 1 - 6 sum d^2 / (n
   * (n^2 - 1)).
   */
  @Property(tries = 200)
  void matchesTextbookFormulasOnGeneratedData(
      @ForAll @IntRange(min = 2, max = 80) int n,
      @ForAll boolean tiedX,
      @ForAll boolean tiedNoise,
      @ForAll long seed) {
    Random random = new Random(seed);
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = tiedX ? random.nextInt(4) : random.nextGaussian();
      y[i] = 0.5 * x[i] + (tiedNoise ? random.nextInt(3) : random.nextGaussian());
    }
    double expectedPearson = textbookPearson(x, y);
    double expectedSpearman = textbookPearson(countingRanks(x), countingRanks(y));
    if (Double.isNaN(expectedPearson)) {
      assertThat(Correlation.pearson(x, y)).isNaN();
      return;
    }
    assertThat(Correlation.pearson(x, y)).isCloseTo(expectedPearson, within(1e-9));
    assertThat(Correlation.spearman(x, y)).isCloseTo(expectedSpearman, within(1e-9));
    if (!tiedX && !tiedNoise) {
      double[] rx = countingRanks(x);
      double[] ry = countingRanks(y);
      double d2 = 0;
      for (int i = 0; i < n; i++) {
        d2 += (rx[i] - ry[i]) * (rx[i] - ry[i]);
      }
      assertThat(Correlation.spearman(x, y))
          .isCloseTo(1 - 6 * d2 / ((double) n * ((double) n * n - 1)), within(1e-9));
    }
  }

  /** The one-pass textbook formula (n sum xy - sum x sum y) / sqrt(...). */
  private static double textbookPearson(double[] x, double[] y) {
    int n = x.length;
    double sx = 0;
    double sy = 0;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      sx += x[i];
      sy += y[i];
      sxy += x[i] * y[i];
      sxx += x[i] * x[i];
      syy += y[i] * y[i];
    }
    double den = Math.sqrt(n * sxx - sx * sx) * Math.sqrt(n * syy - sy * sy);
    return den < 1e-9 ? Double.NaN : (n * sxy - sx * sy) / den;
  }

  /** Rank = 1 + number smaller + (number equal - 1) / 2, by counting, O(n^2). */
  private static double[] countingRanks(double[] v) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      int smaller = 0;
      int equal = 0;
      for (double w : v) {
        if (w < v[i]) {
          smaller++;
        } else if (w == v[i]) {
          equal++;
        }
      }
      r[i] = 1 + smaller + (equal - 1) / 2.0;
    }
    return r;
  }

  @Test
  void perfectAndInverseOrder() {
    double[] x = {0.1, 0.5, 0.2, 0.9};
    double[] y = {1, 3, 2, 100};
    assertThat(Correlation.spearman(x, y)).isCloseTo(1.0, within(1e-15));
    double[] minus = {-1, -3, -2, -100};
    assertThat(Correlation.spearman(x, minus)).isCloseTo(-1.0, within(1e-15));
    assertThat(Correlation.pearson(new double[] {1, 2, 3}, new double[] {2, 4, 6}))
        .isCloseTo(1.0, within(1e-15));
  }

  @Test
  void constantInputIsUndefined() {
    double[] c = {0.1, 0.1, 0.1};
    assertThat(Correlation.pearson(c, new double[] {1, 2, 3})).isNaN();
    assertThat(Correlation.spearman(new double[] {1, 2, 3}, c)).isNaN();
  }

  @Test
  void badInputsAreRejected() {
    assertThatThrownBy(() -> Correlation.pearson(new double[] {1, Double.NaN}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x at index 1");
    assertThatThrownBy(
            () ->
                Correlation.spearman(
                    new double[] {1, 2}, new double[] {Double.POSITIVE_INFINITY, 2}))
        .hasMessageContaining("y at index 0");
    assertThatThrownBy(() -> Correlation.pearson(new double[] {1}, new double[] {1}))
        .hasMessageContaining("at least 2");
    assertThatThrownBy(() -> Correlation.pearson(new double[] {1, 2}, new double[] {1, 2, 3}))
        .hasMessageContaining("2 vs 3");
    assertThatThrownBy(() -> Correlation.pearson(null, new double[] {1, 2}))
        .isInstanceOf(NullPointerException.class);
  }
}
