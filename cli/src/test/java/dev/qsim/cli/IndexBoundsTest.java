package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import dev.qsim.index.LuceneQuestionIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qsim index query --k} and {@code askedBefore}'s {@code k}: capped, never fatal. */
class IndexBoundsTest {
  /** {@code QuestionIndex.MAX_K}, spelled out so that this test compiles without it. */
  private static final int MAX_K = 10_000;

  private static final List<String> QUESTIONS =
      List.of(
          "How do I learn Java quickly?",
          "What is the capital of Peru?",
          "How can I reset my password?",
          "Why is the sky blue?",
          "How do I bake bread at home?");

  private static Path build(Path dir) throws IOException {
    Path input = Files.write(dir.resolve("q.txt"), QUESTIONS, StandardCharsets.UTF_8);
    Path index = dir.resolve("idx");
    CliRun add =
        CliRun.run(
            SharedModel.FACTORY,
            "index",
            "add",
            "--index",
            index.toString(),
            "-i",
            input.toString());
    assertThat(add.exitCode()).as(add.err()).isZero();
    return index;
  }

  @Test
  void aKAboveTheMaximumIsAOneLineUsageError(@TempDir Path dir) throws IOException {
    Path index = build(dir);
    for (String k : List.of("1000000000", "2147483647", Integer.toString(MAX_K + 1))) {
      CliRun run =
          CliRun.run(
              SharedModel.FACTORY,
              "index",
              "query",
              "--index",
              index.toString(),
              "--k",
              k,
              "How do I learn Java?");
      assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
      assertThat(run.err().lines().findFirst().orElse(""))
          .isEqualTo(
              String.format(
                  Locale.ROOT, "--k must be at most %,d (matches per question), was %s", MAX_K, k));
      assertThat(run.err()).doesNotContain("Exception", "OutOfMemoryError", "\tat ", "Lucene");
    }
  }

  @Test
  void aKAboveTheIndexSizeReturnsEveryQuestion(@TempDir Path dir) throws IOException {
    Path index = build(dir);
    CliRun run =
        CliRun.run(
            SharedModel.FACTORY,
            "index",
            "query",
            "--index",
            index.toString(),
            "--json",
            "--k",
            Integer.toString(MAX_K),
            "How do I learn Java?");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(JsonParser.parseString(run.lastOutLine()).getAsJsonArray()).hasSize(5);

    try (LuceneQuestionIndex idx =
        LuceneQuestionIndex.builder()
            .setDirectory(index)
            .setModel(SharedModel.get())
            .optReadOnly(true)
            .build()) {
      assertThat(idx.askedBefore("How do I learn Java?", MAX_K)).hasSize(5);
      assertThat(idx.nearest("How do I learn Java?", MAX_K)).hasSize(5);
      assertThatThrownBy(() -> idx.askedBefore("How do I learn Java?", Integer.MAX_VALUE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("k must be at most 10,000, was 2147483647");
      assertThatThrownBy(() -> idx.nearest("How do I learn Java?", 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("k must be >= 1, was 0");
    }
  }
}
