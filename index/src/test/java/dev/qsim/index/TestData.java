package dev.qsim.index;

import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Real questions from the shared Quora dev file, read without qsim's readers, and one bundled model
 * for the whole test run (loading it once keeps the tests short).
 */
final class TestData {
  private static OnnxQuestionSimilarity model;

  private TestData() {}

  static synchronized OnnxQuestionSimilarity model() {
    if (model == null) {
      model = OnnxQuestionSimilarity.bundled();
    }
    return model;
  }

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

  /** Distinct questions of the first dev rows, in order of appearance. */
  static List<String> devQuestions(int count) {
    Set<String> out = new LinkedHashSet<>();
    for (Row r : quoraDev(count)) {
      out.add(r.q1());
      out.add(r.q2());
      if (out.size() >= count) {
        break;
      }
    }
    return new ArrayList<>(out).subList(0, Math.min(count, out.size()));
  }

  /** Ids {@code prefix + i} for {@code i} in {@code [from, from + n)}. */
  static List<String> ids(String prefix, int from, int n) {
    List<String> ids = new ArrayList<>(n);
    for (int i = from; i < from + n; i++) {
      ids.add(prefix + i);
    }
    return ids;
  }
}
