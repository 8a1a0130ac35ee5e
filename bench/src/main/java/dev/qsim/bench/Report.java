package dev.qsim.bench;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a benchmark writes: a human-readable table, then machine-readable lines {@code RESULT
 * <benchmark> key=value ...} (values never contain spaces) to {@code out}; progress and notes to
 * {@code log}.
 *
 * <p>Not thread-safe.
 */
final class Report {
  static final String PREFIX = "RESULT ";

  final PrintStream out;
  final PrintStream log;

  Report(PrintStream out, PrintStream log) {
    this.out = out;
    this.log = log;
  }

  void title(String text) {
    out.println();
    out.println("== " + text);
  }

  void note(String text) {
    out.println("   " + text);
  }

  void log(String format, Object... args) {
    log.println("[bench] " + String.format(Locale.ROOT, format, args));
    log.flush();
  }

  /** Writes one machine-readable line. */
  void result(String benchmark, Map<String, ?> fields) {
    out.println(resultLine(benchmark, fields));
    out.flush();
  }

  static String resultLine(String benchmark, Map<String, ?> fields) {
    StringBuilder sb = new StringBuilder(PREFIX).append(benchmark);
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      String value = format(e.getValue());
      if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            "Result field "
                + e.getKey()
                + " must be non-empty without spaces, was '"
                + value
                + "'");
      }
      sb.append(' ').append(e.getKey()).append('=').append(value);
    }
    return sb.toString();
  }

  /**
   * Parses a line written by {@link #resultLine}.
   *
   * @return the fields in order, or {@code null} if the line is not a result of {@code benchmark}
   */
  static Map<String, String> parseResult(String line, String benchmark) {
    String head = PREFIX + benchmark + " ";
    if (!line.startsWith(head)) {
      return null;
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : line.substring(head.length()).trim().split(" +")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("Malformed result field '" + part + "' in: " + line);
      }
      fields.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return fields;
  }

  /** Numbers to 6 significant digits, plain notation; everything else as {@code toString()}. */
  static String format(Object value) {
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        return Double.toString(d);
      }
      return new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
    return String.valueOf(value);
  }

  /** A text table: first column left-aligned, the others right-aligned. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... header) {
      this.columns = header.length;
      rows.add(header);
    }

    Table row(Object... cells) {
      if (cells.length != columns) {
        throw new IllegalArgumentException(
            "Table row has " + cells.length + " cells, header has " + columns);
      }
      String[] text = new String[cells.length];
      for (int i = 0; i < cells.length; i++) {
        text[i] = cells[i] instanceof String s ? s : cell(cells[i]);
      }
      rows.add(text);
      return this;
    }

    void print(PrintStream out) {
      int[] width = new int[columns];
      for (String[] r : rows) {
        for (int i = 0; i < columns; i++) {
          width[i] = Math.max(width[i], r[i].length());
        }
      }
      for (int k = 0; k < rows.size(); k++) {
        String[] r = rows.get(k);
        StringBuilder sb = new StringBuilder("   ");
        for (int i = 0; i < columns; i++) {
          String pad = " ".repeat(width[i] - r[i].length());
          sb.append(i == 0 ? r[i] + pad : pad + r[i]).append(i + 1 < columns ? "  " : "");
        }
        out.println(sb.toString().stripTrailing());
        if (k == 0) {
          StringBuilder rule = new StringBuilder("   ");
          for (int i = 0; i < columns; i++) {
            rule.append("-".repeat(width[i])).append(i + 1 < columns ? "  " : "");
          }
          out.println(rule);
        }
      }
      out.flush();
    }

    private static String cell(Object value) {
      if (value instanceof Double d) {
        double a = Math.abs(d);
        if (a >= 1000) {
          return String.format(Locale.ROOT, "%,.0f", d);
        }
        if (a >= 100) {
          return String.format(Locale.ROOT, "%.1f", d);
        }
        if (a >= 1 || a == 0) {
          return String.format(Locale.ROOT, "%.2f", d);
        }
        return String.format(Locale.ROOT, "%.3g", d);
      }
      if (value instanceof Integer || value instanceof Long) {
        return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
      }
      return String.valueOf(value);
    }
  }
}
