package dev.qsim.data;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which labelled pairs of a file to read, as qsim's command lines spell it ({@code --format},
 * {@code --columns Q1,Q2,LABEL}, {@code --part all|train|check}, {@code --binarize LOW,HIGH}): the
 * one reading of those options for {@code qsim} and {@code qsim-train}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param format the file's format
 * @param columns for {@link PairFormat#CSV}: the header names of the two question columns and the
 *     label column, comma-separated; {@code null} for the defaults
 * @param part the fixed half of the file to keep
 * @param binarize for graded labels: {@code LOW,HIGH}, the scores at or below {@code LOW} become
 *     non-duplicates and those at or above {@code HIGH} duplicates (pairs in between are left out);
 *     {@code null} to keep the scores
 */
public record PairSelection(
    PairFormat format, @Nullable String columns, DataPart part, @Nullable String binarize) {
  /**
   * Checks the values that need no file.
   *
   * @param format the file's format
   * @param columns for csv: {@code Q1,Q2,LABEL}, or {@code null} for the defaults
   * @param part the fixed half of the file to keep
   * @param binarize {@code LOW,HIGH}, or {@code null} to keep graded scores
   * @throws IllegalArgumentException naming the option: {@code --columns} for a format other than
   *     csv, or malformed; {@code --binarize} malformed
   */
  public PairSelection {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(part, "part");
    applyTo(ReadOptions.defaults(), format, columns, binarize);
  }

  /**
   * A whole file in a format.
   *
   * @param format the file's format
   * @return the selection of every pair
   */
  public static PairSelection all(PairFormat format) {
    return new PairSelection(format, null, DataPart.ALL, null);
  }

  /**
   * The read options with this selection's columns, part and binarisation.
   *
   * @param options the other read options (limit, bad rows)
   * @return the changed options
   */
  public ReadOptions applyTo(ReadOptions options) {
    return applyTo(options, format, columns, binarize).withPart(part);
  }

  /**
   * Whether the pairs read keep graded labels.
   *
   * @return a graded format, not binarised
   */
  public boolean graded() {
    return format.graded() && binarize == null;
  }

  /**
   * What the selection keeps beyond the file, for titles and reports: {@code ""}, or e.g. {@code ",
   * part check, binarized 2,4"}.
   *
   * @return the description
   */
  public String describe() {
    return (part == DataPart.ALL ? "" : ", part " + part.id())
        + (binarize == null ? "" : ", binarized " + binarize.strip());
  }

  private static ReadOptions applyTo(
      ReadOptions options, PairFormat format, @Nullable String columns, @Nullable String binarize) {
    if (binarize != null) {
      String[] bounds = binarize.split(",", -1);
      double low;
      double high;
      try {
        if (bounds.length != 2) {
          throw new NumberFormatException();
        }
        low = Double.parseDouble(bounds[0].strip());
        high = Double.parseDouble(bounds[1].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--binarize needs two numbers, LOW,HIGH, e.g. 2,4; was '" + binarize + "'");
      }
      try {
        options = options.withBinarized(low, high);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--binarize " + binarize + ": " + e.getMessage(), e);
      }
    }
    if (columns != null) {
      if (format != PairFormat.CSV) {
        throw new IllegalArgumentException("--columns is only for --format csv");
      }
      String[] names = columns.split(",", -1);
      if (names.length != 3 || names[0].isBlank() || names[1].isBlank() || names[2].isBlank()) {
        throw new IllegalArgumentException(
            "--columns needs three names, Q1,Q2,LABEL, was '" + columns + "'");
      }
      options = options.withColumns(names[0].strip(), names[1].strip(), names[2].strip());
    }
    return options;
  }
}
