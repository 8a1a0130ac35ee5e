package dev.qsim.eval;

import java.util.Arrays;
import java.util.Objects;

/**
 * Correlation between a model's similarities and graded human scores (STS-B), as reported by
 * sentence-embedding papers: Pearson's linear correlation and Spearman's rank correlation.
 *
 * <p>Both need at least two values in each array and the same length; a NaN or infinite value is
 * rejected naming its array and index. When either array is constant the correlation is undefined
 * and {@link Double#NaN} is returned (as SciPy does).
 *
 * <p>This class is stateless and thread-safe.
 */
public final class Correlation {
  private Correlation() {}

  /**
   * Pearson's correlation coefficient: covariance over the product of the standard deviations.
   * Computed in two passes around the means for accuracy.
   *
   * @param x the first values
   * @param y the second values, as many as {@code x}
   * @return the coefficient in {@code [-1, 1]}, or NaN if either array is constant
   * @throws IllegalArgumentException if the lengths differ, there are fewer than two values, or a
   *     value is not finite
   */
  public static double pearson(double[] x, double[] y) {
    check(x, y);
    return pearsonUnchecked(x, y);
  }

  /**
   * Spearman's rank correlation: Pearson's correlation of the ranks, tied values sharing the
   * average of their ranks.
   *
   * @param x the first values
   * @param y the second values, as many as {@code x}
   * @return the coefficient in {@code [-1, 1]}, or NaN if either array is constant
   * @throws IllegalArgumentException if the lengths differ, there are fewer than two values, or a
   *     value is not finite
   */
  public static double spearman(double[] x, double[] y) {
    check(x, y);
    return pearsonUnchecked(ranks(x), ranks(y));
  }

  private static void check(double[] x, double[] y) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "x and y differ in length: " + x.length + " vs " + y.length);
    }
    if (x.length < 2) {
      throw new IllegalArgumentException("a correlation needs at least 2 values, got " + x.length);
    }
    for (int i = 0; i < x.length; i++) {
      if (!Double.isFinite(x[i])) {
        throw new IllegalArgumentException("x at index " + i + " is not finite: " + x[i]);
      }
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException("y at index " + i + " is not finite: " + y[i]);
      }
    }
  }

  private static double pearsonUnchecked(double[] x, double[] y) {
    if (constant(x) || constant(y)) {
      return Double.NaN;
    }
    int n = x.length;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      double dx = x[i] - mx;
      double dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    if (sxx == 0 || syy == 0) {
      return Double.NaN;
    }
    double r = sxy / (Math.sqrt(sxx) * Math.sqrt(syy));
    return Math.max(-1.0, Math.min(1.0, r));
  }

  private static boolean constant(double[] values) {
    for (double v : values) {
      if (v != values[0]) {
        return false;
      }
    }
    return true;
  }

  /** 1-based ranks, ties sharing the average of the ranks they span. */
  static double[] ranks(double[] values) {
    int n = values.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[a] + 0.0, values[b] + 0.0));
    double[] ranks = new double[n];
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
        j++;
      }
      double average = (i + j) / 2.0 + 1; // ranks i+1 .. j+1
      for (int k = i; k <= j; k++) {
        ranks[order[k]] = average;
      }
      i = j + 1;
    }
    return ranks;
  }
}
