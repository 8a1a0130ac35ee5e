package dev.qsim.training;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The measured steps of {@link SiameseTrainer#timeSteps}: wall-clock and process CPU seconds and
 * the loss of each. Immutable (arrays are copied in and out) and thread-safe.
 *
 * @param pairs training pairs per step (two questions each)
 * @param seconds wall-clock seconds of each measured step
 * @param cpuSeconds process CPU seconds (all threads) of each measured step
 * @param losses the loss of each measured step (NaN for a step skipped as non-finite)
 * @param nonFinite steps skipped as non-finite, warm-up included
 */
public record StepTimes(
    int pairs, double[] seconds, double[] cpuSeconds, double[] losses, int nonFinite) {

  /** Copies the arrays; they must have one value per measured step. */
  public StepTimes {
    seconds = seconds.clone();
    cpuSeconds = cpuSeconds.clone();
    losses = losses.clone();
    if (seconds.length == 0
        || cpuSeconds.length != seconds.length
        || losses.length != seconds.length) {
      throw new IllegalArgumentException("need one time, CPU time and loss per measured step");
    }
  }

  @Override
  public double[] seconds() {
    return seconds.clone();
  }

  @Override
  public double[] cpuSeconds() {
    return cpuSeconds.clone();
  }

  @Override
  public double[] losses() {
    return losses.clone();
  }

  /**
   * The median wall-clock seconds per step.
   *
   * @return seconds
   */
  public double medianSeconds() {
    return median(seconds);
  }

  /**
   * The summary the step benchmark reports: {@code steps}, {@code pairs}, {@code
   * median_s_per_step}, {@code mean_s_per_step}, {@code min_s}, {@code max_s}, {@code
   * median_cpu_s_per_step}, {@code pairs_per_s} and {@code non_finite_steps}.
   *
   * @return metric name to value, in that order
   */
  public Map<String, Double> summary() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("steps", (double) seconds.length);
    m.put("pairs", (double) pairs);
    m.put("median_s_per_step", median(seconds));
    m.put("mean_s_per_step", Arrays.stream(seconds).average().orElse(Double.NaN));
    m.put("min_s", Arrays.stream(seconds).min().orElse(Double.NaN));
    m.put("max_s", Arrays.stream(seconds).max().orElse(Double.NaN));
    m.put("median_cpu_s_per_step", median(cpuSeconds));
    m.put("pairs_per_s", pairs / median(seconds));
    m.put("non_finite_steps", (double) nonFinite);
    return m;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The process's CPU time in nanoseconds (all threads), or 0 where the JVM does not say. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
