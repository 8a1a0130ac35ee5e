package dev.qsim.cli;

import dev.qsim.QsimException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The questions of a text file with one question per line: UTF-8 (a byte-order mark is skipped), LF
 * or CRLF line ends. Blank lines are skipped and counted; questions are stripped of surrounding
 * white space and keep their 1-based line numbers.
 *
 * <p>Instances are immutable and thread-safe.
 */
final class QuestionFile {
  private final Path path;
  private final List<String> questions;
  private final int[] lines;
  private final int blankLines;

  private QuestionFile(Path path, List<String> questions, int[] lines, int blankLines) {
    this.path = path;
    this.questions = List.copyOf(questions);
    this.lines = lines;
    this.blankLines = blankLines;
  }

  /**
   * Reads a question file.
   *
   * @throws QsimException naming the path if it is missing, a directory, unreadable or not UTF-8
   */
  static QuestionFile read(Path path) {
    if (Files.isDirectory(path)) {
      throw new QsimException("Input is a directory, not a file: " + path);
    }
    if (!Files.exists(path)) {
      throw new QsimException("Input file not found: " + path);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new QsimException("Input file not found: " + path, e);
    } catch (IOException e) {
      throw new QsimException("Cannot read input file " + path + ": " + e, e);
    }
    // Decoded line by line, so that a bad byte is reported on its own line.
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    List<String> questions = new ArrayList<>();
    List<Integer> lineNumbers = new ArrayList<>();
    int blank = 0;
    int lineNumber = 0;
    int start = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      int next = end + 1;
      if (end > start && bytes[end - 1] == '\r') {
        end--;
      }
      lineNumber++;
      String line;
      try {
        line = utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
      } catch (CharacterCodingException e) {
        throw new QsimException(
            "Input file " + path + " is not UTF-8 text: bad bytes on line " + lineNumber, e);
      }
      if (lineNumber == 1 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isBlank()) {
        blank++;
      } else {
        questions.add(line.strip());
        lineNumbers.add(lineNumber);
      }
      start = next;
    }
    return new QuestionFile(
        path, questions, lineNumbers.stream().mapToInt(Integer::intValue).toArray(), blank);
  }

  Path path() {
    return path;
  }

  /** The non-blank lines, stripped, in file order. */
  List<String> questions() {
    return questions;
  }

  /** The 1-based line number of {@code questions().get(index)}. */
  int lineOf(int index) {
    return lines[index];
  }

  /** How many blank (empty or white-space only) lines were skipped. */
  int blankLines() {
    return blankLines;
  }

  /** Lines read in all, blank ones included. */
  int totalLines() {
    return questions.size() + blankLines;
  }
}
