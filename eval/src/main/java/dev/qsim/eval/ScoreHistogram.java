package dev.qsim.eval;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Counts of duplicate and non-duplicate scores in equal-width bins, for plotting how well a model's
 * scores separate the two classes.
 *
 * <p>Bin {@code i} covers {@code [lower + i * width, lower + (i + 1) * width)}; the last bin also
 * holds {@code upper}. Scores outside {@code [lower, upper]} are counted in the first or last bin.
 *
 * <p>Instances are immutable and thread-safe: the arrays are copied in and out.
 */
public final class ScoreHistogram {
  private final double lower;
  private final double upper;
  private final long[] duplicates;
  private final long[] nonDuplicates;

  ScoreHistogram(double lower, double upper, long[] duplicates, long[] nonDuplicates) {
    this.lower = lower;
    this.upper = upper;
    this.duplicates = duplicates;
    this.nonDuplicates = nonDuplicates;
  }

  /**
   * The lower edge of the first bin.
   *
   * @return the range's lower end
   */
  public double lower() {
    return lower;
  }

  /**
   * The upper edge of the last bin.
   *
   * @return the range's upper end
   */
  public double upper() {
    return upper;
  }

  /**
   * The number of bins.
   *
   * @return at least 1
   */
  public int bins() {
    return duplicates.length;
  }

  /**
   * The width of every bin.
   *
   * @return {@code (upper - lower) / bins()}
   */
  public double binWidth() {
    return (upper - lower) / duplicates.length;
  }

  /**
   * The lower edge of one bin.
   *
   * @param bin from 0 to {@code bins() - 1}
   * @return {@code lower + bin * binWidth()}
   */
  public double binLower(int bin) {
    java.util.Objects.checkIndex(bin, duplicates.length);
    return lower + bin * binWidth();
  }

  /**
   * The duplicate counts per bin.
   *
   * @return a new array of {@link #bins()} counts
   */
  public long[] duplicates() {
    return duplicates.clone();
  }

  /**
   * The non-duplicate counts per bin.
   *
   * @return a new array of {@link #bins()} counts
   */
  public long[] nonDuplicates() {
    return nonDuplicates.clone();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ScoreHistogram
        && Double.compare(lower, ((ScoreHistogram) o).lower) == 0
        && Double.compare(upper, ((ScoreHistogram) o).upper) == 0
        && Arrays.equals(duplicates, ((ScoreHistogram) o).duplicates)
        && Arrays.equals(nonDuplicates, ((ScoreHistogram) o).nonDuplicates);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Double.hashCode(lower) + Double.hashCode(upper))
        + 17 * Arrays.hashCode(duplicates)
        + Arrays.hashCode(nonDuplicates);
  }

  @Override
  public String toString() {
    return "ScoreHistogram[lower="
        + lower
        + ", upper="
        + upper
        + ", duplicates="
        + Arrays.toString(duplicates)
        + ", nonDuplicates="
        + Arrays.toString(nonDuplicates)
        + "]";
  }
}
