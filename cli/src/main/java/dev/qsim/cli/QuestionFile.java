package dev.qsim.cli;

import dev.qsim.QsimException;
import dev.qsim.QuestionSimilarity;
import dev.qsim.Readability;
import dev.qsim.TextRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The questions of a text file with one question per line: UTF-8 (a byte-order mark is skipped), LF
 * or CRLF line ends; a UTF-16 or UTF-32 file is refused by its byte-order mark. Blank lines ({@link
 * TextRules#isBlankQuestion(CharSequence)}: no visible character, so also lines of no-break or
 * zero-width spaces) are skipped and counted; questions are stripped of the invisible characters
 * around them ({@link TextRules#stripInvisible(String)}) and keep their 1-based line numbers.
 * {@link #readable(QuestionSimilarity)} also skips and counts the lines the model cannot read.
 *
 * <p>Instances are immutable and thread-safe.
 */
final class QuestionFile {
  private final Path path;
  private final List<String> questions;
  private final int[] lines;
  private final int blankLines;
  private final int[] unreadableLines;

  private QuestionFile(
      Path path, List<String> questions, int[] lines, int blankLines, int[] unreadableLines) {
    this.path = path;
    this.questions = List.copyOf(questions);
    this.lines = lines;
    this.blankLines = blankLines;
    this.unreadableLines = unreadableLines;
  }

  /** The longest line read, in bytes: a question file's lines are questions, not documents. */
  static final int MAX_LINE_BYTES = 16 << 20;

  /**
   * Reads a question file, streaming: files of any size (over 2 GB too) are read in 64 KiB chunks,
   * and only the questions are kept in memory.
   *
   * @throws QsimException naming the path if it is missing, a directory, unreadable, not UTF-8, has
   *     a line over {@link #MAX_LINE_BYTES}, or its questions do not fit in the heap
   */
  static QuestionFile read(Path path) {
    return read(path, true);
  }

  /**
   * Reads a question file as {@link #read(Path)} does; with {@code strip} false the non-blank lines
   * are kept whole (only a CR before the LF and the first line's byte-order mark are dropped), for
   * lines whose fields are split at a tab before each is stripped.
   */
  static QuestionFile read(Path path, boolean strip) {
    if (Files.isDirectory(path)) {
      throw new QsimException("Input is a directory, not a file: " + path);
    }
    if (!Files.exists(path)) {
      throw new QsimException("Input file not found: " + path);
    }
    Reading reading = new Reading(path, strip);
    try (InputStream in = Files.newInputStream(path)) {
      reading.readAll(in);
    } catch (NoSuchFileException e) {
      throw new QsimException("Input file not found: " + path, e);
    } catch (IOException e) {
      throw new QsimException("Cannot read input file " + path + ": " + e, e);
    } catch (OutOfMemoryError e) {
      long lines = reading.lineNumber;
      reading = null; // let the questions go before building the message
      throw new QsimException(
          "Input file "
              + path
              + " does not fit in memory: ran out of heap at line "
              + lines
              + " of "
              + size(path)
              + " bytes; give Java more heap (java -Xmx...) or split the file",
          e);
    }
    return new QuestionFile(
        path,
        reading.questions,
        reading.lineNumbers.stream().mapToInt(Integer::intValue).toArray(),
        reading.blank,
        new int[0]);
  }

  /**
   * This file without the questions that {@code model} cannot read ({@link
   * QuestionSimilarity#readability(List)}), which are counted in {@link #unreadableLines()}.
   */
  QuestionFile readable(QuestionSimilarity model) {
    // One verdict per distinct text: question logs repeat themselves, and each verdict tokenises.
    java.util.Map<String, Integer> distinct = new java.util.LinkedHashMap<>();
    for (String q : questions) {
      distinct.putIfAbsent(q, distinct.size());
    }
    List<Readability> unique = model.readability(new ArrayList<>(distinct.keySet()));
    List<Readability> verdicts = new ArrayList<>(questions.size());
    for (String q : questions) {
      verdicts.add(unique.get(distinct.get(q)));
    }
    List<String> kept = new ArrayList<>(questions.size());
    int[] keptLines = new int[questions.size()];
    int[] dropped = Arrays.copyOf(unreadableLines, unreadableLines.length + questions.size());
    int droppedCount = unreadableLines.length;
    for (int i = 0; i < questions.size(); i++) {
      if (verdicts.get(i) == Readability.READABLE) {
        keptLines[kept.size()] = lines[i];
        kept.add(questions.get(i));
      } else {
        dropped[droppedCount++] = lines[i];
      }
    }
    if (droppedCount == unreadableLines.length) {
      return this;
    }
    int[] sortedDropped = Arrays.copyOf(dropped, droppedCount);
    Arrays.sort(sortedDropped);
    return new QuestionFile(
        path, kept, Arrays.copyOf(keptLines, kept.size()), blankLines, sortedDropped);
  }

  /**
   * Refuses a file that starts with a UTF-16 or UTF-32 byte-order mark: its text is not UTF-8, and
   * decoding it as UTF-8 would only report bad bytes.
   */
  private static void checkNotUtf16(Path path, byte[] start, int count) {
    String encoding = null;
    if (count >= 4
        && start[0] == (byte) 0xFF
        && start[1] == (byte) 0xFE
        && start[2] == 0
        && start[3] == 0) {
      encoding = "UTF-32 (little-endian)";
    } else if (count >= 4
        && start[0] == 0
        && start[1] == 0
        && start[2] == (byte) 0xFE
        && start[3] == (byte) 0xFF) {
      encoding = "UTF-32 (big-endian)";
    } else if (count >= 2 && start[0] == (byte) 0xFF && start[1] == (byte) 0xFE) {
      encoding = "UTF-16 (little-endian)";
    } else if (count >= 2 && start[0] == (byte) 0xFE && start[1] == (byte) 0xFF) {
      encoding = "UTF-16 (big-endian)";
    }
    if (encoding != null) {
      throw new QsimException(
          "Input file "
              + path
              + " is "
              + encoding
              + " text (it starts with that byte-order mark), not UTF-8: convert it, e.g. iconv -f "
              + encoding.substring(0, 6)
              + " -t UTF-8");
    }
  }

  private static String size(Path path) {
    try {
      return String.format(Locale.ROOT, "%,d", Files.size(path));
    } catch (IOException e) {
      return "?";
    }
  }

  /** One pass over a file: splits lines on LF (a CR before it is dropped) and decodes each. */
  private static final class Reading {
    private final Path path;
    // Decoded line by line, so that a bad byte is reported on its own line.
    private final CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    final List<String> questions = new ArrayList<>();
    final List<Integer> lineNumbers = new ArrayList<>();
    private final boolean strip;
    int blank;
    long lineNumber;
    private byte[] line = new byte[256];
    private int length;

    Reading(Path path, boolean strip) {
      this.path = path;
      this.strip = strip;
    }

    void readAll(InputStream in) throws IOException {
      byte[] chunk = new byte[1 << 16];
      // The first four bytes alone: enough to recognise a UTF-16 or UTF-32 byte-order mark.
      int r = in.readNBytes(chunk, 0, 4);
      checkNotUtf16(path, chunk, r);
      for (; r >= 0; r = in.read(chunk)) {
        int from = 0;
        for (int k = 0; k < r; k++) {
          if (chunk[k] == '\n') {
            append(chunk, from, k - from);
            endLine();
            from = k + 1;
          }
        }
        append(chunk, from, r - from);
      }
      if (length > 0) {
        endLine();
      }
    }

    private void append(byte[] bytes, int from, int count) {
      if (count == 0) {
        return;
      }
      if (length + count > MAX_LINE_BYTES) {
        throw new QsimException(
            "Input file "
                + path
                + ": line "
                + (lineNumber + 1)
                + " is longer than "
                + (MAX_LINE_BYTES >> 20)
                + " MiB; expected one question per line");
      }
      if (length + count > line.length) {
        line =
            Arrays.copyOf(
                line, Math.min(MAX_LINE_BYTES, Math.max(2 * line.length, length + count)));
      }
      System.arraycopy(bytes, from, line, length, count);
      length += count;
    }

    private void endLine() {
      lineNumber++;
      if (lineNumber > Integer.MAX_VALUE) {
        throw new QsimException(
            "Input file " + path + " has more than " + Integer.MAX_VALUE + " lines");
      }
      int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
      length = 0;
      String text;
      try {
        text = utf8.decode(ByteBuffer.wrap(line, 0, end)).toString();
      } catch (CharacterCodingException e) {
        throw new QsimException(
            "Input file " + path + " is not UTF-8 text: bad bytes on line " + lineNumber, e);
      }
      if (lineNumber == 1 && text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      if (TextRules.isBlankQuestion(text)) {
        blank++;
      } else {
        questions.add(strip ? stripInvisible(text) : text);
        lineNumbers.add((int) lineNumber);
      }
    }
  }

  /** The text without the invisible characters (by the blank rule) at its start and end. */
  static String stripInvisible(String text) {
    return TextRules.stripInvisible(text);
  }

  Path path() {
    return path;
  }

  /** The non-blank lines, stripped of invisible characters at both ends, in file order. */
  List<String> questions() {
    return questions;
  }

  /** The 1-based line number of {@code questions().get(index)}. */
  int lineOf(int index) {
    return lines[index];
  }

  /** How many blank lines (no visible character) were skipped. */
  int blankLines() {
    return blankLines;
  }

  /** How many lines the model cannot read were skipped by {@link #readable}. */
  int unreadableLines() {
    return unreadableLines.length;
  }

  /** Whether the 1-based {@code line} was skipped as unreadable. */
  boolean isUnreadable(int line) {
    return Arrays.binarySearch(unreadableLines, line) >= 0;
  }

  /** Lines read in all, blank and unreadable ones included. */
  int totalLines() {
    return questions.size() + blankLines + unreadableLines.length;
  }
}
