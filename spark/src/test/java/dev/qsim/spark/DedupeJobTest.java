package dev.qsim.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qsim.QsimException;
import dev.qsim.cli.QsimCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DedupeJobTest {
  @BeforeAll
  static void startSpark() {
    // The job reuses the running session (getOrCreate), as it would under spark-submit.
    SharedSpark.session();
  }

  /**
   * 160 real Quora dev questions (both questions of the first 80 rows, so the labelled duplicates
   * sit side by side), with blank lines every 25 lines, a byte-order mark and CRLF line ends.
   */
  private static Path writeInput(Path dir) throws IOException {
    List<String> questions = TestQuestions.quoraDev(160);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      if (i % 25 == 3) {
        lines.add(i % 2 == 0 ? "" : "   ");
      }
      lines.add(questions.get(i));
    }
    Path input = dir.resolve("questions.txt");
    Files.writeString(
        input, "\uFEFF" + String.join("\r\n", lines) + "\r\n", StandardCharsets.UTF_8);
    return input;
  }

  private static List<JsonObject> readJsonLines(Path file) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(JsonParser.parseString(line).getAsJsonObject());
    }
    return out;
  }

  @Test
  @Tag("slow")
  void writesTheGroupsThatQsimDedupeWritesAndThePairsAsParquet(@TempDir Path dir)
      throws IOException {
    Path input = writeInput(dir);
    Path cliOutput = dir.resolve("cli.jsonl");
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new QsimCli())
            .setErr(new PrintWriter(err))
            .execute(
                "dedupe",
                "--input",
                input.toString(),
                "--output",
                cliOutput.toString(),
                "--no-progress");
    assertThat(code).as(err.toString()).isZero();

    Path out = dir.resolve("spark-out");
    DedupeJob.Summary summary =
        DedupeJob.run(
            new String[] {
              "--input", input.toString(), "--output", out.toString(), "--master", "local[2]"
            });
    assertThat(summary.skippedLines()).isEqualTo(7);
    assertThat(summary.questions()).isEqualTo(160);

    List<JsonObject> expected = readJsonLines(cliOutput);
    List<JsonObject> actual = readJsonLines(out.resolve("groups.jsonl"));
    assertThat(expected).isNotEmpty();
    assertThat(actual).hasSameSizeAs(expected);
    for (int g = 0; g < expected.size(); g++) {
      JsonObject e = expected.get(g);
      JsonObject a = actual.get(g);
      assertThat(a.keySet()).isEqualTo(e.keySet());
      for (String key : List.of("group", "size", "representative")) {
        assertThat(a.get(key)).as(key).isEqualTo(e.get(key));
      }
      assertSameObjects(a.getAsJsonArray("questions"), e.getAsJsonArray("questions"));
      assertSameObjects(a.getAsJsonArray("pairs"), e.getAsJsonArray("pairs"));
    }
    assertThat(summary.groups()).isEqualTo(expected.size());

    List<Row> pairs =
        SharedSpark.session().read().parquet(out.resolve("pairs").toString()).collectAsList();
    assertThat(pairs).hasSize(summary.pairs());
    assertThat(pairs.get(0).schema().fieldNames())
        .containsExactly("first_id", "second_id", "similarity", "score");
    // Ids are 1-based line numbers: the BOM line is line 1, blank lines count.
    assertThat(pairs).allSatisfy(r -> assertThat(r.getLong(0)).isBetween(1L, 167L));
  }

  /** Same keys and values; numbers other than line numbers within rounding of the embeddings. */
  private static void assertSameObjects(JsonArray actual, JsonArray expected) {
    assertThat(actual.size()).isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      JsonObject e = expected.get(i).getAsJsonObject();
      JsonObject a = actual.get(i).getAsJsonObject();
      assertThat(a.keySet()).isEqualTo(e.keySet());
      for (String key : e.keySet()) {
        if (key.equals("similarity") || key.equals("score")) {
          assertThat(a.get(key).getAsDouble()).isCloseTo(e.get(key).getAsDouble(), within(1e-5));
        } else {
          assertThat(a.get(key)).as(key).isEqualTo(e.get(key));
        }
      }
    }
  }

  @Test
  void badInputIsNamedAndLeavesNoOutput(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.txt");
    Path out = dir.resolve("out");
    assertThatThrownBy(
            () ->
                DedupeJob.run(
                    new String[] {"--input", missing.toString(), "--output", out.toString()}))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("Input file not found: " + missing);
    Path input = Files.writeString(dir.resolve("q.txt"), "Why?\nHow?\n");
    Files.createDirectory(out);
    assertThatThrownBy(
            () ->
                DedupeJob.run(
                    new String[] {"--input", input.toString(), "--output", out.toString()}))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining("Output directory already exists: " + out);
    Path model = dir.resolve("no-model");
    Path out2 = dir.resolve("out2");
    assertThatThrownBy(
            () ->
                DedupeJob.run(
                    new String[] {
                      "--input",
                      input.toString(),
                      "--output",
                      out2.toString(),
                      "--model",
                      model.toString()
                    }))
        .isInstanceOf(QsimException.class)
        .hasMessageContaining(model.toString());
    assertThat(Files.exists(out2)).isFalse();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> DedupeJobOptions.parse(new String[] {"--input", "a"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Missing required option: '--output=DIR'");
    assertThatThrownBy(
            () ->
                DedupeJobOptions.parse(
                    new String[] {"--input", "a", "--output", "b", "--top-kk", "3"}))
        .hasMessageContaining("Unknown option")
        .hasMessageContaining("--top-kk");
    assertThatThrownBy(
            () ->
                DedupeJobOptions.parse(
                    new String[] {"--input", "a", "--output", "b", "--top-k", "0"}))
        .hasMessageContaining("--top-k must be >= 1, was 0");
    assertThatThrownBy(
            () ->
                DedupeJobOptions.parse(
                    new String[] {"--input", "a", "--output", "b", "--search", "fast"}))
        .hasMessageContaining("--search")
        .hasMessageContaining("expected one of [AUTO, EXACT, APPROXIMATE]");
    assertThatThrownBy(
            () ->
                DedupeJobOptions.parse(
                    new String[] {"--input", "a", "--output", "b", "--threshold", "x"}))
        .hasMessageContaining("--threshold")
        .hasMessageContaining("'x' is not a double");
    assertThatThrownBy(
            () ->
                DedupeJobOptions.parse(
                    new String[] {"--input", "a", "--output", "b", "--threshold", "NaN"}))
        .hasMessageContaining("--threshold must be a finite number");
    DedupeJobOptions ok =
        DedupeJobOptions.parse(
            new String[] {
              "--input",
              "a",
              "--output",
              "b",
              "--search",
              "exact",
              "--top-k",
              "3",
              "--threshold",
              "0.5"
            });
    assertThat(ok.duplicateOptions().search()).isEqualTo(dev.qsim.SearchMode.EXACT);
    assertThat(ok.duplicateOptions().topKPerQuestion()).isEqualTo(3);
    assertThat(ok.duplicateOptions().threshold()).hasValue(0.5);
    assertThat(DedupeJobOptions.usage()).contains("--input=FILE", "--candidate-threshold=S");
  }
}
