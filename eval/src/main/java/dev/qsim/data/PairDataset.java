package dev.qsim.data;

import dev.qsim.QuestionPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The pairs read from one file, with an account of the rows that were skipped.
 *
 * <p>Instances are immutable and thread-safe: the lists are unmodifiable copies.
 *
 * @param source the file (or other source) the pairs were read from
 * @param format the layout it was read as
 * @param pairs the pairs, in file order
 * @param skippedRows how many malformed rows were skipped (always 0 unless {@link
 *     ReadOptions#withSkipBadRows(boolean)} was on)
 * @param skipReasons the first {@value ReadOptions#MAX_SKIP_REASONS} reasons, each naming the file
 *     and line
 * @param truncated whether reading stopped at {@link ReadOptions#limit()} before the end of the
 *     file
 */
public record PairDataset(
    String source,
    PairFormat format,
    List<LabelledPair> pairs,
    long skippedRows,
    List<String> skipReasons,
    boolean truncated) {

  /**
   * Validates and copies the components.
   *
   * @param source the file (or other source) the pairs were read from
   * @param format the layout it was read as
   * @param pairs the pairs, in file order
   * @param skippedRows how many malformed rows were skipped (always 0 unless {@link
   *     ReadOptions#withSkipBadRows(boolean)} was on)
   * @param skipReasons the first {@value ReadOptions#MAX_SKIP_REASONS} reasons, each naming the
   *     file and line
   * @param truncated whether reading stopped at {@link ReadOptions#limit()} before the end of the
   *     file
   * @throws NullPointerException naming a null component
   * @throws IllegalArgumentException if {@code skippedRows} is negative or smaller than the number
   *     of reasons
   */
  public PairDataset {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(format, "format");
    pairs = List.copyOf(Objects.requireNonNull(pairs, "pairs"));
    skipReasons = List.copyOf(Objects.requireNonNull(skipReasons, "skipReasons"));
    if (skippedRows < skipReasons.size()) {
      throw new IllegalArgumentException(
          "skippedRows ("
              + skippedRows
              + ") must be >= the number of skip reasons ("
              + skipReasons.size()
              + ")");
    }
  }

  /**
   * The number of pairs read.
   *
   * @return {@code pairs().size()}
   */
  public int size() {
    return pairs.size();
  }

  /**
   * The pairs' questions without labels, in order.
   *
   * @return a new list of question pairs
   */
  public List<QuestionPair> questionPairs() {
    List<QuestionPair> out = new ArrayList<>(pairs.size());
    for (LabelledPair p : pairs) {
      out.add(p.questions());
    }
    return out;
  }

  /**
   * The labels, in order.
   *
   * @return a new array, {@code labels()[i] == pairs().get(i).label()}
   */
  public double[] labels() {
    double[] out = new double[pairs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = pairs.get(i).label();
    }
    return out;
  }

  /**
   * A seeded uniform random sample of the pairs, kept in file order: the same seed gives the same
   * sample on every platform ({@link Random} is fully specified). Useful for slices of files sorted
   * by label, such as Quora's {@code train.csv} (all non-duplicates first).
   *
   * @param n how many pairs to keep; at least 0; if {@code n >= size()} all pairs are kept
   * @param seed the random seed
   * @return a dataset of {@code min(n, size())} pairs, {@link #truncated()} if pairs were left out
   * @throws IllegalArgumentException if {@code n < 0}
   */
  public PairDataset sample(int n, long seed) {
    if (n < 0) {
      throw new IllegalArgumentException("sample size must be >= 0, was " + n);
    }
    if (n >= pairs.size()) {
      return this;
    }
    // Selection sampling (Knuth's Algorithm S): one pass, order kept.
    Random random = new Random(seed);
    List<LabelledPair> kept = new ArrayList<>(n);
    int remaining = pairs.size();
    for (LabelledPair p : pairs) {
      if (random.nextInt(remaining) < n - kept.size()) {
        kept.add(p);
      }
      remaining--;
    }
    return new PairDataset(source, format, kept, skippedRows, skipReasons, true);
  }

  /**
   * How many pairs are labelled duplicates ({@link LabelledPair#isDuplicate()}); meaningful for
   * binary data.
   *
   * @return the number of positive pairs
   */
  public int duplicates() {
    int n = 0;
    for (LabelledPair p : pairs) {
      if (p.isDuplicate()) {
        n++;
      }
    }
    return n;
  }
}
