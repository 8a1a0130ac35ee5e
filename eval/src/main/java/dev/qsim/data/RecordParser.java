package dev.qsim.data;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits delimited text into records, streaming, with physical line numbers. With quoting on it
 * follows RFC 4180: a field that starts with {@code "} runs to the matching closing quote, {@code
 * ""} inside it is one quote, and delimiters and line breaks inside it are text. A quote inside an
 * unquoted field is kept as text (as most CSV writers and Python's csv module do). With quoting off
 * every physical line is one record, split at every delimiter.
 *
 * <p>Line breaks are {@code \r\n}, {@code \n} or a lone {@code \r}; a leading UTF-8 byte order mark
 * is dropped; empty lines between records are not records and are ignored.
 *
 * <p>Not thread-safe: one parser reads one stream.
 */
final class RecordParser {
  /** One record: its fields, the line it starts on, and what is wrong with it (or null). */
  record Row(List<String> fields, long line, String error) {}

  private static final int EOF = -1;

  private final Reader in;
  private final char delimiter;
  private final boolean quoting;
  private final char[] buffer = new char[8192];
  private int position;
  private int limit;
  private long line = 1;
  private boolean started;

  RecordParser(Reader in, char delimiter, boolean quoting) {
    this.in = in;
    this.delimiter = delimiter;
    this.quoting = quoting;
  }

  /** The physical line the parser has reached. */
  long line() {
    return line;
  }

  char delimiter() {
    return delimiter;
  }

  private int read() throws IOException {
    if (position == limit) {
      limit = in.read(buffer, 0, buffer.length);
      position = 0;
      if (limit <= 0) {
        limit = 0;
        return EOF;
      }
    }
    return buffer[position++];
  }

  private int peek() throws IOException {
    int c = read();
    if (c != EOF) {
      position--;
    }
    return c;
  }

  /** Consumes the rest of a line break whose first character {@code c} was just read. */
  private void endOfLine(int c) throws IOException {
    if (c == '\r' && peek() == '\n') {
      read();
    }
    line++;
  }

  /**
   * Reads the next record.
   *
   * @return the record, or null at the end of the input
   */
  Row next() throws IOException {
    int c = read();
    if (!started) {
      started = true;
      if (c == '\uFEFF') {
        c = read();
      }
    }
    while (c == '\n' || c == '\r') {
      endOfLine(c);
      c = read();
    }
    if (c == EOF) {
      return null;
    }
    long start = line;
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    String error = null;
    // States: 0 start of field, 1 unquoted field, 2 inside quotes, 3 just after a quote inside
    // quotes (either the closing quote or the first half of "").
    int state = 0;
    while (true) {
      switch (state) {
        case 0:
        case 1:
          if (c == EOF || c == '\n' || c == '\r') {
            fields.add(field.toString());
            if (c != EOF) {
              endOfLine(c);
            }
            return new Row(fields, start, error);
          } else if (c == delimiter) {
            fields.add(field.toString());
            field.setLength(0);
            state = 0;
          } else if (c == '"' && state == 0 && quoting) {
            state = 2;
          } else {
            field.append((char) c);
            state = 1;
          }
          break;
        case 2:
          if (c == EOF) {
            fields.add(field.toString());
            if (error == null) {
              error =
                  "unterminated quoted field: the quote of field "
                      + fields.size()
                      + " opened on this line is never closed before the end of the file";
            }
            return new Row(fields, start, error);
          } else if (c == '"') {
            state = 3;
          } else {
            field.append((char) c);
            if (c == '\n') {
              line++;
            } else if (c == '\r') {
              if (peek() == '\n') {
                field.append((char) read());
              }
              line++;
            }
          }
          break;
        case 3:
          if (c == '"') {
            field.append('"');
            state = 2;
          } else if (c == EOF || c == '\n' || c == '\r' || c == delimiter) {
            state = 1;
            continue; // handle c as the end of the field
          } else {
            if (error == null) {
              error =
                  "unexpected character '"
                      + (char) c
                      + "' after the closing quote of field "
                      + (fields.size() + 1)
                      + " on line "
                      + line
                      + " (a quote inside a quoted field must be doubled)";
            }
            field.append((char) c);
            state = 1;
          }
          break;
        default:
          throw new AssertionError(state);
      }
      c = read();
    }
  }
}
