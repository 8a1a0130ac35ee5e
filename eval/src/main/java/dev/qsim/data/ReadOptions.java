package dev.qsim.data;

import java.util.Objects;
import java.util.Optional;

/**
 * How {@link PairReader} reads a file. Start from {@link #defaults()} and change what you need with
 * the {@code with*} methods; each returns a changed copy.
 *
 * <p>By default every pair is read and the first malformed row stops the read with a {@link
 * DataFormatException}. The column names, delimiter and quoting apply to {@link PairFormat#CSV}
 * only; the other formats have fixed layouts and ignore them.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ReadOptions {
  /** The value of {@link #limit()} when every pair is read. */
  public static final int NO_LIMIT = Integer.MAX_VALUE;

  /** How many skip reasons a {@link PairDataset} keeps when bad rows are skipped. */
  public static final int MAX_SKIP_REASONS = 10;

  private static final ReadOptions DEFAULTS =
      new ReadOptions(false, NO_LIMIT, null, null, null, null, true, DataPart.ALL, null, null);

  private final boolean skipBadRows;
  private final int limit;
  private final String firstColumn;
  private final String secondColumn;
  private final String labelColumn;
  private final Character delimiter;
  private final boolean quoting;
  private final DataPart part;
  private final Double notDuplicateAtMost;
  private final Double duplicateAtLeast;

  private ReadOptions(
      boolean skipBadRows,
      int limit,
      String firstColumn,
      String secondColumn,
      String labelColumn,
      Character delimiter,
      boolean quoting,
      DataPart part,
      Double notDuplicateAtMost,
      Double duplicateAtLeast) {
    this.skipBadRows = skipBadRows;
    this.limit = limit;
    this.firstColumn = firstColumn;
    this.secondColumn = secondColumn;
    this.labelColumn = labelColumn;
    this.delimiter = delimiter;
    this.quoting = quoting;
    this.part = part;
    this.notDuplicateAtMost = notDuplicateAtMost;
    this.duplicateAtLeast = duplicateAtLeast;
  }

  /**
   * Read everything, fail on the first bad row, default CSV columns, delimiter by file extension,
   * quoting on.
   *
   * @return the default options
   */
  public static ReadOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a copy that stops after the first {@code maxPairs} good pairs (bad rows before them are
   * still reported or skipped as usual).
   *
   * @param maxPairs at least 1; {@link #NO_LIMIT} reads everything
   * @return the changed options
   * @throws IllegalArgumentException if {@code maxPairs < 1}
   */
  public ReadOptions withLimit(int maxPairs) {
    if (maxPairs < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + maxPairs);
    }
    return new ReadOptions(
        skipBadRows,
        maxPairs,
        firstColumn,
        secondColumn,
        labelColumn,
        delimiter,
        quoting,
        part,
        notDuplicateAtMost,
        duplicateAtLeast);
  }

  /**
   * Returns a copy that skips malformed rows instead of throwing. Skipped rows are counted in
   * {@link PairDataset#skippedRows()} and the first {@value #MAX_SKIP_REASONS} reasons kept in
   * {@link PairDataset#skipReasons()}; no row is dropped without being counted. A missing or
   * unreadable file, or a {@link PairFormat#CSV} header that lacks a column, still throws.
   *
   * @param skip whether to skip bad rows
   * @return the changed options
   */
  public ReadOptions withSkipBadRows(boolean skip) {
    return new ReadOptions(
        skip,
        limit,
        firstColumn,
        secondColumn,
        labelColumn,
        delimiter,
        quoting,
        part,
        notDuplicateAtMost,
        duplicateAtLeast);
  }

  /**
   * Returns a copy that reads a {@link PairFormat#CSV} file's questions and label from the named
   * header columns (matched exactly after trimming, else case-insensitively).
   *
   * @param first the first question's column
   * @param second the second question's column
   * @param label the label's column
   * @return the changed options
   * @throws IllegalArgumentException if a name is blank
   */
  public ReadOptions withColumns(String first, String second, String label) {
    return new ReadOptions(
        skipBadRows,
        limit,
        checkName(first, "first"),
        checkName(second, "second"),
        checkName(label, "label"),
        delimiter,
        quoting,
        part,
        notDuplicateAtMost,
        duplicateAtLeast);
  }

  private static String checkName(String name, String what) {
    Objects.requireNonNull(name, what);
    if (name.isBlank()) {
      throw new IllegalArgumentException(what + " column name is blank");
    }
    return name.trim();
  }

  /**
   * Returns a copy that splits {@link PairFormat#CSV} rows at {@code delimiter} whatever the file's
   * extension.
   *
   * @param delimiter the field separator, e.g. {@code ','}, {@code '\t'} or {@code ';'}
   * @return the changed options
   * @throws IllegalArgumentException if the delimiter is a quote or a line break
   */
  public ReadOptions withDelimiter(char delimiter) {
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException(
          "delimiter must not be a quote or a line break, was U+"
              + String.format("%04X", (int) delimiter));
    }
    return new ReadOptions(
        skipBadRows,
        limit,
        firstColumn,
        secondColumn,
        labelColumn,
        delimiter,
        quoting,
        part,
        notDuplicateAtMost,
        duplicateAtLeast);
  }

  /**
   * Returns a copy with RFC 4180 quoting on or off for {@link PairFormat#CSV}. Turn it off for
   * files whose fields may start with a quote that is text (TSV written without quoting).
   *
   * @param on whether a field starting with {@code "} is quoted
   * @return the changed options
   */
  public ReadOptions withQuoting(boolean on) {
    return new ReadOptions(
        skipBadRows,
        limit,
        firstColumn,
        secondColumn,
        labelColumn,
        delimiter,
        on,
        part,
        notDuplicateAtMost,
        duplicateAtLeast);
  }

  /**
   * Returns a copy that keeps only the pairs of one {@link DataPart}: a fixed half of the file
   * chosen by the pairs' text (the rule is in {@link DataPart}), so that a model can be trained on
   * {@link DataPart#TRAIN} and checked on {@link DataPart#CHECK} of the same file. The limit counts
   * kept pairs.
   *
   * @param part the part to keep; {@link DataPart#ALL} keeps every pair
   * @return the changed options
   */
  public ReadOptions withPart(DataPart part) {
    return new ReadOptions(
        skipBadRows,
        limit,
        firstColumn,
        secondColumn,
        labelColumn,
        delimiter,
        quoting,
        Objects.requireNonNull(part, "part"),
        notDuplicateAtMost,
        duplicateAtLeast);
  }

  /**
   * Returns a copy that turns graded labels into duplicate labels: a pair whose label is at least
   * {@code duplicateAtLeast} is read with label 1, one at most {@code notDuplicateAtMost} with
   * label 0, and a pair in between is left out (it is neither clearly the same nor clearly
   * different). For STS-B's 0–5 scores, {@code withBinarized(2, 4)} keeps the pairs scored 4 or
   * more as duplicates and those scored 2 or less as non-duplicates. The limit counts kept pairs.
   *
   * @param notDuplicateAtMost labels at or below this become 0
   * @param duplicateAtLeast labels at or above this become 1; greater than {@code
   *     notDuplicateAtMost}
   * @return the changed options
   * @throws IllegalArgumentException if a bound is not finite or {@code duplicateAtLeast <=
   *     notDuplicateAtMost}
   */
  public ReadOptions withBinarized(double notDuplicateAtMost, double duplicateAtLeast) {
    if (!Double.isFinite(notDuplicateAtMost) || !Double.isFinite(duplicateAtLeast)) {
      throw new IllegalArgumentException(
          "binarisation bounds must be finite, were "
              + notDuplicateAtMost
              + " and "
              + duplicateAtLeast);
    }
    if (duplicateAtLeast <= notDuplicateAtMost) {
      throw new IllegalArgumentException(
          "the duplicate bound ("
              + duplicateAtLeast
              + ") must be greater than the non-duplicate bound ("
              + notDuplicateAtMost
              + ")");
    }
    return new ReadOptions(
        skipBadRows,
        limit,
        firstColumn,
        secondColumn,
        labelColumn,
        delimiter,
        quoting,
        part,
        notDuplicateAtMost,
        duplicateAtLeast);
  }

  /**
   * Whether malformed rows are skipped and counted rather than thrown.
   *
   * @return {@code true} if bad rows are skipped
   */
  public boolean skipBadRows() {
    return skipBadRows;
  }

  /**
   * The most pairs to read.
   *
   * @return the limit, {@link #NO_LIMIT} for all
   */
  public int limit() {
    return limit;
  }

  /**
   * The {@link PairFormat#CSV} column of the first question, if one was set.
   *
   * @return the column name; empty means {@code question1}
   */
  public Optional<String> firstColumn() {
    return Optional.ofNullable(firstColumn);
  }

  /**
   * The {@link PairFormat#CSV} column of the second question, if one was set.
   *
   * @return the column name; empty means {@code question2}
   */
  public Optional<String> secondColumn() {
    return Optional.ofNullable(secondColumn);
  }

  /**
   * The {@link PairFormat#CSV} label column, if one was set.
   *
   * @return the column name; empty means {@code label}, or {@code is_duplicate} if there is no
   *     {@code label} column
   */
  public Optional<String> labelColumn() {
    return Optional.ofNullable(labelColumn);
  }

  /**
   * The {@link PairFormat#CSV} delimiter, if one was set.
   *
   * @return the delimiter; empty means by extension (tab for {@code .tsv}/{@code .tab}, else comma)
   */
  public Optional<Character> delimiter() {
    return Optional.ofNullable(delimiter);
  }

  /**
   * Whether {@link PairFormat#CSV} fields may be quoted (RFC 4180).
   *
   * @return {@code true} unless turned off
   */
  public boolean quoting() {
    return quoting;
  }

  /**
   * The part of the file that is kept.
   *
   * @return {@link DataPart#ALL} unless {@link #withPart(DataPart)} chose another
   */
  public DataPart part() {
    return part;
  }

  /**
   * Whether graded labels are turned into 0/1 ({@link #withBinarized(double, double)}).
   *
   * @return {@code true} if they are
   */
  public boolean binarized() {
    return duplicateAtLeast != null;
  }

  /**
   * The bound at or below which a label becomes 0, when {@link #binarized()}.
   *
   * @return the bound, or {@code NaN} when labels are kept as they are
   */
  public double notDuplicateAtMost() {
    return notDuplicateAtMost == null ? Double.NaN : notDuplicateAtMost;
  }

  /**
   * The bound at or above which a label becomes 1, when {@link #binarized()}.
   *
   * @return the bound, or {@code NaN} when labels are kept as they are
   */
  public double duplicateAtLeast() {
    return duplicateAtLeast == null ? Double.NaN : duplicateAtLeast;
  }

  @Override
  public String toString() {
    return "ReadOptions[skipBadRows="
        + skipBadRows
        + ", limit="
        + (limit == NO_LIMIT ? "none" : limit)
        + ", columns="
        + firstColumn
        + "/"
        + secondColumn
        + "/"
        + labelColumn
        + ", delimiter="
        + (delimiter == null ? "by extension" : "U+" + String.format("%04X", (int) delimiter))
        + ", quoting="
        + quoting
        + ", part="
        + part.id()
        + (binarized()
            ? ", binarized=<=" + notDuplicateAtMost + "->0,>=" + duplicateAtLeast + "->1"
            : "")
        + "]";
  }
}
