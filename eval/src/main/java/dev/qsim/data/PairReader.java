package dev.qsim.data;

import dev.qsim.QsimException;
import dev.qsim.TextRules;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads labelled question pairs from the files qsim trains and evaluates on, in the layouts of
 * {@link PairFormat}. Reading streams: memory holds the pairs, not the file.
 *
 * <pre>{@code
 * PairDataset dev = PairReader.read(Path.of("quora/dev.tsv"), PairFormat.BIMPM);
 * PairDataset slice =
 *     PairReader.read(Path.of("quora/train.csv"), PairFormat.QUORA,
 *         ReadOptions.defaults().withLimit(500));
 * }</pre>
 *
 * <p><b>Errors.</b> A malformed row — wrong number of columns, a label that is not a number or is
 * out of the format's range, an empty or blank question, an unterminated quoted field — throws a
 * {@link DataFormatException} whose message is {@code FILE:LINE: problem}, with the 1-based
 * physical line where the row starts (rows with quoted line breaks span several lines). With {@link
 * ReadOptions#withSkipBadRows(boolean)} such rows are skipped and counted instead; no row is ever
 * dropped silently. Empty lines are not rows and are ignored. A missing or unreadable file, text
 * that is not UTF-8, and a missing or wrong header always throw a {@link QsimException} naming the
 * file.
 *
 * <p>Question text is kept exactly as in the file (no trimming or case folding).
 *
 * <p><b>Selecting pairs.</b> {@link ReadOptions#withPart(DataPart)} keeps one fixed half of the
 * file ({@link DataPart}: train or check, by a hash of the pair's text) and {@link
 * ReadOptions#withBinarized(double, double)} turns graded scores into 0/1 labels, leaving out the
 * pairs in between. Pairs left out this way are well-formed rows, not skipped ones: they are not
 * counted in {@link PairDataset#skippedRows()}.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class PairReader {
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

  private PairReader() {}

  /**
   * Reads every pair of a file, failing on the first malformed row.
   *
   * @param file the file to read
   * @param format its layout
   * @return the pairs
   * @throws DataFormatException naming the file and line of a malformed row or header
   * @throws QsimException naming the file if it is missing or cannot be read
   */
  public static PairDataset read(Path file, PairFormat format) {
    return read(file, format, ReadOptions.defaults());
  }

  /**
   * Reads the pairs of a file.
   *
   * @param file the file to read (UTF-8)
   * @param format its layout
   * @param options limit, bad-row handling and, for {@link PairFormat#CSV}, columns and delimiter
   * @return the pairs, and the count of skipped rows
   * @throws DataFormatException naming the file and line of a malformed row (unless skipped) or
   *     header
   * @throws QsimException naming the file if it is missing or cannot be read
   */
  public static PairDataset read(Path file, PairFormat format, ReadOptions options) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(options, "options");
    String source = file.toString();
    if (Files.isDirectory(file)) {
      throw new QsimException(
          "Cannot read labelled pairs from " + source + ": it is a directory, not a file");
    }
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(reader, source, format, options);
    } catch (NoSuchFileException e) {
      throw new QsimException(
          "Labelled-pair file not found: " + source + " (" + file.toAbsolutePath() + ")", e);
    } catch (IOException e) {
      throw new QsimException("Cannot read labelled pairs from " + source + ": " + e, e);
    }
  }

  /**
   * Reads pairs from text that is already open, e.g. a classpath resource. The reader is read to
   * the end of the data (or the limit) and not closed.
   *
   * @param reader the text
   * @param source the name to use in pairs and messages, e.g. the resource name; for {@link
   *     PairFormat#CSV} its extension chooses the default delimiter
   * @param format the layout
   * @param options limit, bad-row handling and, for {@link PairFormat#CSV}, columns and delimiter
   * @return the pairs, and the count of skipped rows
   * @throws DataFormatException naming the source and line of a malformed row (unless skipped) or
   *     header
   * @throws QsimException naming the source if reading fails
   */
  public static PairDataset read(
      Reader reader, String source, PairFormat format, ReadOptions options) {
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(options, "options");
    RecordParser parser =
        new RecordParser(reader, delimiter(format, source, options), quoting(format, options));
    try {
      return new Run(parser, source, format, options).read();
    } catch (CharacterCodingException e) {
      throw new DataFormatException(
          source, parser.line(), "the file is not valid UTF-8 text (" + e + ")");
    } catch (IOException e) {
      throw new QsimException(
          "Cannot read labelled pairs from " + source + " near line " + parser.line() + ": " + e,
          e);
    }
  }

  private static char delimiter(PairFormat format, String source, ReadOptions options) {
    if (format != PairFormat.CSV) {
      return format == PairFormat.QUORA ? ',' : '\t';
    }
    if (options.delimiter().isPresent()) {
      return options.delimiter().get();
    }
    String name = source.toLowerCase(Locale.ROOT);
    return name.endsWith(".tsv") || name.endsWith(".tab") ? '\t' : ',';
  }

  private static boolean quoting(PairFormat format, ReadOptions options) {
    switch (format) {
      case QUORA:
        return true;
      case CSV:
        return options.quoting();
      default:
        return false;
    }
  }

  /** The state of one read: where the columns are and what has been kept and skipped. */
  private static final class Run {
    private final RecordParser parser;
    private final String source;
    private final PairFormat format;
    private final ReadOptions options;
    private final List<LabelledPair> pairs = new ArrayList<>();
    private final List<String> reasons = new ArrayList<>();
    private long skipped;

    private int firstIndex;
    private int secondIndex;
    private int labelIndex;
    private String[] names;
    private int minColumns;
    private int maxColumns; // STS-B rows have 7 or 9 columns: nothing in between

    Run(RecordParser parser, String source, PairFormat format, ReadOptions options) {
      this.parser = parser;
      this.source = source;
      this.format = format;
      this.options = options;
    }

    PairDataset read() throws IOException {
      layout();
      boolean truncated = false;
      RecordParser.Row row;
      while ((row = parser.next()) != null) {
        if (pairs.size() >= options.limit()) {
          truncated = true;
          break;
        }
        String problem = row.error() != null ? row.error() : check(row);
        if (problem == null) {
          LabelledPair pair = toPair(row);
          if (pair != null) {
            LabelledPair kept = select(pair);
            if (kept != null) {
              pairs.add(kept);
            }
            continue;
          }
          problem = labelProblem;
        }
        DataFormatException bad = new DataFormatException(source, row.line(), problem);
        if (!options.skipBadRows()) {
          throw bad;
        }
        skipped++;
        if (reasons.size() < ReadOptions.MAX_SKIP_REASONS) {
          reasons.add(bad.getMessage());
        }
      }
      return new PairDataset(source, format, pairs, skipped, reasons, truncated);
    }

    /** The pair as the options keep it (binarised label), or null if they leave it out. */
    private LabelledPair select(LabelledPair pair) {
      if (!options.part().contains(pair.first(), pair.second())) {
        return null;
      }
      if (!options.binarized()) {
        return pair;
      }
      double label;
      if (pair.label() >= options.duplicateAtLeast()) {
        label = 1;
      } else if (pair.label() <= options.notDuplicateAtMost()) {
        label = 0;
      } else {
        return null;
      }
      return new LabelledPair(pair.first(), pair.second(), label, pair.source(), pair.line());
    }

    private void layout() throws IOException {
      switch (format) {
        case QUORA:
          header("question1", "question2", "is_duplicate", null);
          break;
        case CSV:
          header(
              options.firstColumn().orElse("question1"),
              options.secondColumn().orElse("question2"),
              options.labelColumn().orElse("label"),
              options.labelColumn().isPresent() ? null : "is_duplicate");
          break;
        case BIMPM:
          fixed(1, 2, 0, 4, 4, new String[] {"label", "question1", "question2", "id"});
          break;
        case STSB:
          fixed(
              5,
              6,
              4,
              7,
              9,
              new String[] {"genre", "file", "year", "id", "score", "sentence1", "sentence2"});
          break;
        case MSRP:
          fixed(
              3, 4, 0, 5, 5, new String[] {"Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"});
          RecordParser.Row head = parser.next();
          if (head == null) {
            throw new DataFormatException(
                source,
                1,
                "the file is empty: expected the MSRP header " + String.join("\t", names));
          }
          if (head.fields().size() != 5
              || !head.fields().get(0).trim().equalsIgnoreCase("Quality")) {
            throw new DataFormatException(
                source,
                head.line(),
                "expected the MSRP header 'Quality<TAB>#1 ID<TAB>#2 ID<TAB>#1 String<TAB>#2 String'"
                    + " but found "
                    + head.fields().size()
                    + " columns starting with '"
                    + abbreviate(head.fields().get(0))
                    + "'");
          }
          break;
        default:
          throw new AssertionError(format);
      }
    }

    private void fixed(int first, int second, int label, int min, int max, String[] columnNames) {
      firstIndex = first;
      secondIndex = second;
      labelIndex = label;
      minColumns = min;
      maxColumns = max;
      names = columnNames;
    }

    private void header(String first, String second, String label, String fallbackLabel)
        throws IOException {
      RecordParser.Row head = parser.next();
      if (head == null) {
        throw new DataFormatException(source, 1, "the file is empty: expected a header line");
      }
      if (head.error() != null) {
        throw new DataFormatException(source, head.line(), "bad header: " + head.error());
      }
      List<String> fields = head.fields();
      names = fields.toArray(new String[0]);
      firstIndex = column(head, first);
      secondIndex = column(head, second);
      int l = find(fields, label);
      if (l < 0 && fallbackLabel != null) {
        l = find(fields, fallbackLabel);
      }
      if (l < 0) {
        throw new DataFormatException(
            source,
            head.line(),
            "the header has no label column '"
                + label
                + "'"
                + (fallbackLabel == null ? "" : " or '" + fallbackLabel + "'")
                + "; columns are "
                + fields);
      }
      labelIndex = l;
      minColumns = fields.size();
      maxColumns = fields.size();
    }

    private int column(RecordParser.Row head, String name) {
      int i = find(head.fields(), name);
      if (i < 0) {
        throw new DataFormatException(
            source,
            head.line(),
            "the header has no column '" + name + "'; columns are " + head.fields());
      }
      return i;
    }

    private static int find(List<String> fields, String name) {
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).trim().equals(name)) {
          return i;
        }
      }
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).trim().equalsIgnoreCase(name)) {
          return i;
        }
      }
      return -1;
    }

    /** Column count and non-empty questions; null if fine. */
    private String check(RecordParser.Row row) {
      int n = row.fields().size();
      if (n != minColumns && n != maxColumns) {
        return "expected "
            + (minColumns == maxColumns ? minColumns + "" : minColumns + " or " + maxColumns)
            + " columns separated by "
            + (parser.delimiter() == '\t' ? "tabs" : "'" + parser.delimiter() + "'")
            + " but found "
            + n;
      }
      for (int index : new int[] {firstIndex, secondIndex}) {
        if (TextRules.isBlankQuestion(row.fields().get(index))) {
          return "the question in column "
              + (index + 1)
              + " ("
              + names[index]
              + ") is "
              + (row.fields().get(index).isEmpty() ? "empty" : "blank");
        }
      }
      return null;
    }

    private String labelProblem;

    /** The pair, or null with {@link #labelProblem} set. */
    private LabelledPair toPair(RecordParser.Row row) {
      String text = row.fields().get(labelIndex);
      String where = "column " + (labelIndex + 1) + " (" + names[labelIndex] + ")";
      String trimmed = text.trim();
      if (!NUMBER.matcher(trimmed).matches()) {
        labelProblem = "the label '" + abbreviate(text) + "' in " + where + " is not a number";
        return null;
      }
      double label = Double.parseDouble(trimmed);
      if (!Double.isFinite(label)) {
        labelProblem = "the label '" + abbreviate(text) + "' in " + where + " is not finite";
        return null;
      }
      if (format == PairFormat.STSB) {
        if (label < 0 || label > 5) {
          labelProblem =
              "the score '" + abbreviate(text) + "' in " + where + " is outside the range 0 to 5";
          return null;
        }
      } else if (format != PairFormat.CSV && label != 0 && label != 1) {
        labelProblem = "the label '" + abbreviate(text) + "' in " + where + " is not 0 or 1";
        return null;
      }
      String first = row.fields().get(firstIndex);
      String second = row.fields().get(secondIndex);
      if (format == PairFormat.BIMPM) {
        first = PtbText.restore(first);
        second = PtbText.restore(second);
      }
      return new LabelledPair(
          first,
          second,
          label == 0 ? 0.0 : label, // no -0.0
          source,
          row.line());
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
