package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupeCommandTest {

  /**
   * Real questions from the Quora dev file. Lines 2 and 8 are row 23's labelled duplicates (Cyrus
   * Mistry), lines 7 and 9 row 7's (graphic designer); lines 1 and 5 are row 2's non-duplicate
   * pair. Lines 3 and 6 are blank. The file starts with a byte-order mark and uses CRLF.
   */
  private static List<String> inputLines() {
    String[] honey = TestData.quoraDevRow(2);
    String[] depression = TestData.quoraDevRow(3);
    String[] designer = TestData.quoraDevRow(7);
    String[] cyrus = TestData.quoraDevRow(23);
    return List.of(
        honey[1],
        cyrus[1],
        "",
        depression[1],
        honey[2],
        "   ",
        designer[1],
        cyrus[2],
        designer[2],
        depression[2]);
  }

  private static Path writeInput(Path dir) throws IOException {
    Path input = dir.resolve("questions.txt");
    String text = "\uFEFF" + String.join("\r\n", inputLines()) + "\r\n";
    Files.writeString(input, text, StandardCharsets.UTF_8);
    return input;
  }

  @Test
  void findsTheKnownPairsAndWritesValidJsonLines(@TempDir Path dir) throws IOException {
    Path input = writeInput(dir);
    Path output = dir.resolve("groups.jsonl");

    CliRun run =
        CliRun.run(
            "dedupe", "--input", input.toString(), "--output", output.toString(), "--top-k", "3");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = inputLines();
    List<JsonObject> groups = new ArrayList<>();
    for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
      groups.add(JsonParser.parseString(line).getAsJsonObject());
    }
    assertThat(groups).isNotEmpty();

    Set<String> pairs = new HashSet<>();
    Set<Integer> grouped = new HashSet<>();
    for (int g = 0; g < groups.size(); g++) {
      JsonObject group = groups.get(g);
      assertThat(group.get("group").getAsInt()).isEqualTo(g + 1);
      JsonArray questions = group.getAsJsonArray("questions");
      assertThat(group.get("size").getAsInt())
          .isEqualTo(questions.size())
          .isGreaterThanOrEqualTo(2);
      Set<Integer> members = new HashSet<>();
      for (JsonElement q : questions) {
        int line = q.getAsJsonObject().get("line").getAsInt();
        // The line number points at the same text in the input (1-based, blank lines counted).
        assertThat(q.getAsJsonObject().get("text").getAsString())
            .isEqualTo(lines.get(line - 1).strip());
        members.add(line);
        assertThat(grouped.add(line)).as("line %d in one group only", line).isTrue();
      }
      int representative = group.get("representative").getAsInt();
      assertThat(members).contains(representative);
      for (JsonElement q : questions) {
        JsonObject question = q.getAsJsonObject();
        boolean isRepresentative = question.get("line").getAsInt() == representative;
        assertThat(question.has("score")).isEqualTo(!isRepresentative);
      }
      assertThat(group.getAsJsonArray("pairs")).hasSize(members.size() - 1);
      for (JsonElement p : group.getAsJsonArray("pairs")) {
        JsonObject pair = p.getAsJsonObject();
        int a = pair.get("a").getAsInt();
        int b = pair.get("b").getAsInt();
        assertThat(members).contains(a, b);
        assertThat(List.of(a, b)).contains(representative);
        assertThat(a).isLessThan(b);
        // The bundled model decides with its pair head: the score is a probability.
        assertThat(pair.get("score").getAsDouble()).isBetween(0.0, 1.0);
        assertThat(pair.get("similarity").getAsDouble()).isBetween(-1.0, 1.0);
        pairs.add(a + "-" + b);
      }
    }
    // Labelled duplicates: Cyrus Mistry (2-8) and depression (4-10); the graphic-designer pair
    // ("When did you figure out..." / "How did you figured out...", 7-9) is below the bundled
    // head's threshold. The honey/euthanasia non-duplicate (1-5) is never grouped.
    assertThat(pairs).contains("2-8", "4-10").doesNotContain("1-5");
    assertThat(grouped).doesNotContain(3, 6);

    assertThat(run.err())
        .contains("Read 8 questions")
        .contains("10 lines, 2 blank lines skipped")
        .contains("Wrote " + groups.size() + " groups to " + output);
    assertThat(run.out()).isEmpty();
    // Nothing left behind but input and output.
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("questions.txt", "groups.jsonl");
    }
  }

  @Test
  void aThresholdAboveEveryScoreFindsNothingAndWritesAnEmptyFile(@TempDir Path dir)
      throws IOException {
    Path input = writeInput(dir);
    Path output = dir.resolve("groups.jsonl");
    Files.writeString(output, "old content\n");

    CliRun run =
        CliRun.run(
            "dedupe",
            "-i",
            input.toString(),
            "-o",
            output.toString(),
            "--no-pair-head",
            "--threshold",
            "1");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Files.readString(output)).isEmpty();
    assertThat(run.err())
        .contains("Verified 0 of 0 candidate pairs (similarity >= 1.0000) with the similarity")
        .contains("0 groups");
  }

  @Test
  void aThresholdOutsideTheDecisionsRangeIsAnError(@TempDir Path dir) throws IOException {
    Path input = writeInput(dir);
    Path output = dir.resolve("groups.jsonl");
    Files.writeString(output, "old content\n");

    CliRun run =
        CliRun.run(
            "dedupe", "-i", input.toString(), "-o", output.toString(), "--threshold", "1.01");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("1.01").contains("[0, 1]").contains("pair head");
    assertThat(Files.readString(output)).isEqualTo("old content\n");
  }

  @Test
  void missingInputNamesThePath(@TempDir Path dir) {
    Path missing = dir.resolve("nothing-here.txt");
    CliRun run =
        CliRun.run(
            ModelFactoryFail.INSTANCE,
            "dedupe",
            "--input",
            missing.toString(),
            "--output",
            dir.resolve("out.jsonl").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip()).contains(missing.toString()).doesNotContain("\n");
    assertThat(dir.resolve("out.jsonl")).doesNotExist();
  }

  @Test
  void inputThatIsADirectoryNamesThePath(@TempDir Path dir) {
    CliRun run =
        CliRun.run(
            ModelFactoryFail.INSTANCE,
            "dedupe",
            "--input",
            dir.toString(),
            "--output",
            dir.resolve("out.jsonl").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(dir.toString()).contains("directory");
  }

  @Test
  void unwritableOutputFailsBeforeLoadingTheModel(@TempDir Path dir) throws IOException {
    Path input = writeInput(dir);
    Path output = dir.resolve("no-such-dir").resolve("out.jsonl");
    CliRun run =
        CliRun.run(
            ModelFactoryFail.INSTANCE,
            "dedupe",
            "--input",
            input.toString(),
            "--output",
            output.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(output.toString()).contains("does not exist");
  }

  @Test
  void invalidUtf8NamesFileAndLine(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("latin1.txt");
    Files.write(input, new byte[] {'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xE9, '?', '\n'});
    CliRun run =
        CliRun.run(
            ModelFactoryFail.INSTANCE,
            "dedupe",
            "--input",
            input.toString(),
            "--output",
            dir.resolve("out.jsonl").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(input.toString()).contains("UTF-8").contains("line 2");
  }

  @Test
  void badOptionsAreUsageErrors(@TempDir Path dir) throws IOException {
    Path input = writeInput(dir);
    String out = dir.resolve("out.jsonl").toString();
    CliRun topK =
        CliRun.run(
            ModelFactoryFail.INSTANCE, "dedupe", "-i", input.toString(), "-o", out, "--top-k", "0");
    assertThat(topK.exitCode()).isEqualTo(2);
    assertThat(topK.err()).contains("--top-k must be >= 1, was 0");

    CliRun noOutput = CliRun.run(ModelFactoryFail.INSTANCE, "dedupe", "-i", input.toString());
    assertThat(noOutput.exitCode()).isEqualTo(2);
    assertThat(noOutput.err()).contains("--output");

    CliRun notANumber =
        CliRun.run(
            ModelFactoryFail.INSTANCE,
            "dedupe",
            "-i",
            input.toString(),
            "-o",
            out,
            "--threshold",
            "high");
    assertThat(notANumber.exitCode()).isEqualTo(2);
    assertThat(notANumber.err()).contains("--threshold");
  }

  @Test
  void onlyBlankLinesWritesAnEmptyFileAndCountsThem(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("blank.txt");
    Files.writeString(input, "\n  \r\n\t\n");
    Path output = dir.resolve("groups.jsonl");
    CliRun run =
        CliRun.run(SharedModel.FACTORY, "dedupe", "-i", input.toString(), "-o", output.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(Files.readString(output)).isEmpty();
    assertThat(run.err()).contains("Read 0 questions").contains("3 lines, 3 blank lines skipped");
  }
}
