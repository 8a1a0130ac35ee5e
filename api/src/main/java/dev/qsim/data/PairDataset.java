package dev.qsim.data;

import dev.qsim.QuestionPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
