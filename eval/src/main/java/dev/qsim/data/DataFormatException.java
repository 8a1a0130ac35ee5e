package dev.qsim.data;

import dev.qsim.QsimException;
import java.util.Objects;

/**
 * A row of a labelled-pair file is malformed: wrong column count, a label that is not a number (or
 * out of range for the format), an empty question, an unterminated quoted field, or a missing
 * header column. The message has the form {@code FILE:LINE: what is wrong}, with the 1-based
 * physical line on which the row starts.
 *
 * <p>Instances are immutable once thrown and may be shared between threads.
 */
public class DataFormatException extends QsimException {
  private static final long serialVersionUID = 1L;

  /** The file or source name the row came from. */
  private final String source;

  /** The 1-based physical line on which the row starts. */
  private final long line;

  /** What is wrong, without the file and line. */
  private final String problem;

  /**
   * Creates an exception for one row.
   *
   * @param source the file (or other source) the row came from
   * @param line the 1-based physical line on which the row starts
   * @param problem what is wrong, without the file and line
   */
  public DataFormatException(String source, long line, String problem) {
    super(format(source, line, problem));
    this.source = source;
    this.line = line;
    this.problem = problem;
  }

  static String format(String source, long line, String problem) {
    return Objects.requireNonNull(source, "source")
        + ":"
        + line
        + ": "
        + Objects.requireNonNull(problem, "problem");
  }

  /**
   * The file or source name the row came from.
   *
   * @return the source, as given to the reader
   */
  public String source() {
    return source;
  }

  /**
   * The 1-based physical line on which the malformed row starts.
   *
   * @return the line number
   */
  public long line() {
    return line;
  }

  /**
   * What is wrong with the row, without the file and line.
   *
   * @return the problem
   */
  public String problem() {
    return problem;
  }
}
