package dev.qsim.cli;

import dev.qsim.QsimException;
import dev.qsim.data.DataPart;
import dev.qsim.data.PairDataset;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
import dev.qsim.data.PairSelection;
import dev.qsim.data.ReadOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options that say which labelled pairs a command reads. Not thread-safe. */
final class DataOptions {
  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description = "Labelled question pairs.")
  Path data;

  @Option(
      names = "--format",
      required = true,
      paramLabel = "FORMAT",
      converter = FormatConverter.class,
      description =
          "quora (Kaggle CSV), bimpm (label<TAB>q1<TAB>q2<TAB>id), stsb, msrp, or csv (a CSV/TSV"
              + " with a header: see --columns).")
  PairFormat format;

  @Option(names = "--limit", paramLabel = "N", description = "Read only the first N pairs.")
  Integer limit;

  @Option(
      names = "--columns",
      paramLabel = "Q1,Q2,LABEL",
      description =
          "For --format csv: the header names of the two question columns and the label column."
              + " Default: question1,question2,label (or is_duplicate).")
  String columns;

  @Option(
      names = "--skip-bad-rows",
      description = "Skip malformed rows (they are counted and reported) instead of stopping.")
  boolean skipBadRows;

  @Option(
      names = "--part",
      paramLabel = "PART",
      converter = PartConverter.class,
      description =
          "all (default), train or check: keep only that fixed half of the file, chosen by a hash"
              + " of each pair's text (the same pairs on every run and machine; see"
              + " docs/decisions.md), e.g. train a head on --part train and check it on --part"
              + " check.")
  DataPart part = DataPart.ALL;

  @Option(
      names = "--binarize",
      paramLabel = "LOW,HIGH",
      description =
          "Turn graded scores (stsb) into duplicate labels: >= HIGH duplicate, <= LOW not, pairs in"
              + " between left out. E.g. --binarize 2,4 for STS-B.")
  String binarize;

  /**
   * The selection the options make ({@link PairSelection#graded()}, {@link
   * PairSelection#describe()} for titles).
   *
   * @throws ParameterException for a malformed {@code --columns} or {@code --binarize}
   */
  PairSelection selection(CommandLine cli) {
    try {
      return new PairSelection(format, columns, part, binarize);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cli, e.getMessage());
    }
  }

  /** Reads the pairs, reporting skipped rows on {@code err}. */
  PairDataset read(CommandLine cli, PrintWriter err) {
    ReadOptions options = ReadOptions.defaults().withSkipBadRows(skipBadRows);
    if (limit != null) {
      if (limit < 1) {
        throw new ParameterException(cli, "--limit must be >= 1, was " + limit);
      }
      options = options.withLimit(limit);
    }
    options = selection(cli).applyTo(options);
    PairDataset dataset = PairReader.read(data, format, options);
    if (dataset.skippedRows() > 0) {
      err.printf(Locale.ROOT, "Skipped %,d malformed rows of %s:%n", dataset.skippedRows(), data);
      for (String reason : dataset.skipReasons()) {
        err.println("  " + reason);
      }
      if (dataset.skippedRows() > dataset.skipReasons().size()) {
        err.println("  ...");
      }
      err.flush();
    }
    if (dataset.size() == 0) {
      throw new QsimException("No labelled pairs in " + data + selection(cli).describe());
    }
    return dataset;
  }

  /** Turns {@code --part} values into parts, listing the valid ones on error. */
  static final class PartConverter implements CommandLine.ITypeConverter<DataPart> {
    @Override
    public DataPart convert(String value) {
      try {
        return DataPart.fromId(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** Turns {@code --format} values into formats, listing the valid ones on error. */
  static final class FormatConverter implements CommandLine.ITypeConverter<PairFormat> {
    @Override
    public PairFormat convert(String value) {
      try {
        return PairFormat.fromId(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
