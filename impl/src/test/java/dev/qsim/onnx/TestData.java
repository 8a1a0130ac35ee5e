package dev.qsim.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Small slices of the shared real data, read without qsim's own readers so tests stay independent
 * of them.
 */
final class TestData {
  private TestData() {}

  static Path dataDir() {
    return Path.of(System.getProperty("qsim.data.dir", "../../shared/data"));
  }

  /** One row of the BiMPM-format Quora dev file: label, question 1, question 2. */
  record Row(int label, String q1, String q2) {}

  static List<Row> quoraDev(int limit) {
    Path file = dataDir().resolve("quora/dev.tsv");
    List<Row> rows = new ArrayList<>();
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      lines
          .limit(limit)
          .forEach(
              line -> {
                String[] f = line.split("\t", -1);
                rows.add(new Row(Integer.parseInt(f[0]), f[1], f[2]));
              });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file.toAbsolutePath(), e);
    }
    return rows;
  }

  /** The rows' question pairs, in order. */
  static List<dev.qsim.QuestionPair> pairs(List<Row> rows) {
    return rows.stream().map(r -> dev.qsim.QuestionPair.of(r.q1(), r.q2())).toList();
  }

  /** The rows' labels, in order. */
  static int[] labels(List<Row> rows) {
    return rows.stream().mapToInt(Row::label).toArray();
  }

  /** Distinct questions from the first rows of the dev file, in order of appearance. */
  static List<String> devQuestions(int count) {
    List<String> out = new ArrayList<>();
    for (Row r : quoraDev(count)) {
      for (String q : List.of(r.q1(), r.q2())) {
        if (!out.contains(q) && out.size() < count) {
          out.add(q);
        }
      }
    }
    return out;
  }
}
