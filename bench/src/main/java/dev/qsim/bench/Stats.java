package dev.qsim.bench;

import java.util.Arrays;

/** Order statistics of measurements. Stateless. */
final class Stats {
  private Stats() {}

  /** The median; the mean of the two middle values for an even count. */
  static double median(double[] values) {
    double[] s = sorted(values);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /**
   * The nearest-rank percentile: the smallest value with at least {@code p} percent of the values
   * at or below it ({@code p} in (0, 100]).
   */
  static double percentile(double[] values, double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
    }
    double[] s = sorted(values);
    int rank = (int) Math.ceil(p / 100 * s.length);
    return s[Math.max(rank, 1) - 1];
  }

  static double mean(double[] values) {
    check(values);
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  static double min(double[] values) {
    return sorted(values)[0];
  }

  static double max(double[] values) {
    double[] s = sorted(values);
    return s[s.length - 1];
  }

  private static double[] sorted(double[] values) {
    check(values);
    double[] s = values.clone();
    Arrays.sort(s);
    return s;
  }

  private static void check(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no measurements");
    }
    for (int i = 0; i < values.length; i++) {
      if (Double.isNaN(values[i])) {
        throw new IllegalArgumentException("measurement " + i + " is NaN");
      }
    }
  }
}
