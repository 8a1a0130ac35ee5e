package dev.qsim.cli;

import dev.qsim.QsimException;
import dev.qsim.data.DataPart;
import dev.qsim.data.PairDataset;
import dev.qsim.data.PairFormat;
import dev.qsim.data.PairReader;
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

  /** Whether the pairs read have graded labels (a graded format not binarised). */
  boolean graded() {
    return format.graded() && binarize == null;
  }

  /** What the options select beyond the file, for titles: "" or e.g. ", part check, 2/4". */
  String selection() {
    return (part == DataPart.ALL ? "" : ", part " + part.id())
        + (binarize == null ? "" : ", binarized " + binarize.strip());
  }

  /** Reads the pairs, reporting skipped rows on {@code err}. */
  PairDataset read(CommandLine cli, PrintWriter err) {
    ReadOptions options = ReadOptions.defaults().withSkipBadRows(skipBadRows).withPart(part);
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
        options = options.withBinarized(low, high);
      } catch (NumberFormatException e) {
        throw new ParameterException(
            cli, "--binarize needs two numbers, LOW,HIGH, e.g. 2,4; was '" + binarize + "'");
      } catch (IllegalArgumentException e) {
        throw new ParameterException(cli, "--binarize " + binarize + ": " + e.getMessage());
      }
    }
    if (limit != null) {
      if (limit < 1) {
        throw new ParameterException(cli, "--limit must be >= 1, was " + limit);
      }
      options = options.withLimit(limit);
    }
    if (columns != null) {
      if (format != PairFormat.CSV) {
        throw new ParameterException(cli, "--columns is only for --format csv");
      }
      String[] names = columns.split(",", -1);
      if (names.length != 3 || names[0].isBlank() || names[1].isBlank() || names[2].isBlank()) {
        throw new ParameterException(
            cli, "--columns needs three names, Q1,Q2,LABEL, was '" + columns + "'");
      }
      options = options.withColumns(names[0].strip(), names[1].strip(), names[2].strip());
    }
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
      throw new QsimException("No labelled pairs in " + data + selection());
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
