package dev.qsim.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The shared real data, found through the {@code qsim.data.dir} system property. */
final class TestData {
  private TestData() {}

  static Path dir() {
    return Path.of(System.getProperty("qsim.data.dir", "../../shared/data"));
  }

  static Path quoraDev() {
    return dir().resolve("quora").resolve("dev.tsv");
  }

  /** The columns of one line (1-based) of the Quora dev file. */
  static String[] quoraDevRow(int line) {
    try {
      List<String> lines = Files.readAllLines(quoraDev(), StandardCharsets.UTF_8);
      return lines.get(line - 1).split("\t", -1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
