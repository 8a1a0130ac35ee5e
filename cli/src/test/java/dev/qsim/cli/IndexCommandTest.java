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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexCommandTest {
  private static final int ROWS = 30;

  /** Question 1 of the first dev rows, one per line, with a blank line 4 (so ids skip "4"). */
  private static Path writeQuestions(Path dir) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int r = 1; r <= ROWS; r++) {
      if (lines.size() == 3) {
        lines.add("");
      }
      lines.add(TestData.quoraDevRow(r)[1]);
    }
    return Files.writeString(
        dir.resolve("questions.txt"), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  /** A dev row whose two questions the model calls duplicates. */
  private static int duplicateRow() {
    for (int r = 1; r <= ROWS; r++) {
      String[] row = TestData.quoraDevRow(r);
      if (row[0].equals("1") && SharedModel.get().isDuplicate(row[1], row[2])) {
        return r;
      }
    }
    throw new AssertionError("no dev row in the first " + ROWS + " is a duplicate to the model");
  }

  private static CliRun run(String... args) {
    return CliRun.run(SharedModel.FACTORY, args);
  }

  private static JsonArray lastJson(CliRun run) {
    return JsonParser.parseString(run.lastOutLine()).getAsJsonArray();
  }

  @Test
  void addThenQueryFindsTheDuplicateAsJson(@TempDir Path dir) throws IOException {
    Path input = writeQuestions(dir);
    Path index = dir.resolve("idx");
    CliRun add = run("index", "add", "--index", index.toString(), "--input", input.toString());
    assertThat(add.exitCode()).as(add.err()).isZero();
    assertThat(add.err())
        .contains("Added 30 questions from " + input + " (30 new, 0 replaced)")
        .contains("holds 30 questions");

    int row = duplicateRow();
    String query = TestData.quoraDevRow(row)[2];
    CliRun q = run("index", "query", "--index", index.toString(), "--k", "3", "--json", query);
    assertThat(q.exitCode()).as(q.err()).isZero();
    JsonArray matches = lastJson(q);
    assertThat(matches).hasSize(3);
    JsonObject best = matches.get(0).getAsJsonObject();
    assertThat(best.keySet()).containsExactly("id", "text", "similarity", "score", "duplicate");
    // Row r is on line r, or r + 1 after the blank line 4.
    String line = Integer.toString(row <= 3 ? row : row + 1);
    assertThat(best.get("id").getAsString()).isEqualTo(line);
    assertThat(best.get("text").getAsString()).isEqualTo(TestData.quoraDevRow(row)[1]);
    assertThat(best.get("duplicate").getAsBoolean()).isTrue();
    assertThat(best.get("score").getAsDouble())
        .isCloseTo(
            SharedModel.get().duplicateScore(query, TestData.quoraDevRow(row)[1]),
            org.assertj.core.api.Assertions.within(1e-5));
    for (JsonElement m : matches) {
      assertThat(m.getAsJsonObject().get("id").getAsString()).isNotEqualTo("4");
    }

    // The same text as a human reads it.
    CliRun text = run("index", "query", "--index", index.toString(), query);
    assertThat(text.exitCode()).isZero();
    assertThat(text.outLines().get(0)).isEqualTo("Query: " + query);
    assertThat(text.outLines().get(1)).startsWith("  DUPLICATE").contains("id " + line + ": ");

    // Adding the same file again replaces every question and adds none.
    CliRun again = run("index", "add", "--index", index.toString(), "--input", input.toString());
    assertThat(again.err()).contains("(0 new, 30 replaced)").contains("holds 30 questions");
    CliRun stats = run("index", "stats", "--index", index.toString());
    assertThat(stats.exitCode()).isZero();
    assertThat(stats.out())
        .contains("Questions:  30")
        .contains("Model:      all-MiniLM-L6-v2")
        .contains("Encoder:    " + SharedModel.get().fingerprint())
        .contains("Dimension:  384")
        .contains("Hnsw");
  }

  @Test
  void queriesFileGivesOneArrayPerLineInOrder(@TempDir Path dir) throws IOException {
    Path index = dir.resolve("idx");
    assertThat(
            run("index", "add", "--index", index.toString(), "--input", writeQuestions(dir) + "")
                .exitCode())
        .isZero();
    List<String> queries =
        List.of(
            TestData.quoraDevRow(5)[2],
            "",
            TestData.quoraDevRow(9)[1],
            "Which is the tallest mountain on Mars?");
    Path file = Files.writeString(dir.resolve("queries.txt"), String.join("\n", queries) + "\n");
    CliRun batch =
        run(
            "index",
            "query",
            "--index",
            index.toString(),
            "--k",
            "2",
            "--json",
            "--queries",
            "" + file);
    assertThat(batch.exitCode()).as(batch.err()).isZero();
    List<String> lines = batch.outLines();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(1)).isEqualTo("[]");
    for (int i : new int[] {0, 2, 3}) {
      CliRun single =
          run("index", "query", "--index", index.toString(), "--k", "2", "--json", queries.get(i));
      assertThat(JsonParser.parseString(lines.get(i)))
          .as("line %d", i + 1)
          .isEqualTo(JsonParser.parseString(single.lastOutLine()));
    }
    assertThat(JsonParser.parseString(lines.get(2)).getAsJsonArray().get(0).getAsJsonObject())
        .matches(o -> o.get("id").getAsString().equals("10"), "row 9 is stored on line 10");
  }

  @Test
  void idsFromTheFile(@TempDir Path dir) throws IOException {
    Path input =
        Files.writeString(
            dir.resolve("faq.tsv"),
            "faq-17\tHow do I reset my password?\nfaq-18\tHow can I change my e-mail address?\n");
    Path index = dir.resolve("idx");
    CliRun add =
        run("index", "add", "--index", "" + index, "--input", "" + input, "--ids", "--no-progress");
    assertThat(add.exitCode()).as(add.err()).isZero();
    CliRun q =
        run(
            "index",
            "query",
            "--index",
            "" + index,
            "--json",
            "I forgot my password, how do I reset it?");
    JsonArray matches = lastJson(q);
    assertThat(matches).hasSize(2);
    assertThat(matches.get(0).getAsJsonObject().get("id").getAsString()).isEqualTo("faq-17");
    assertThat(matches.get(0).getAsJsonObject().get("text").getAsString())
        .isEqualTo("How do I reset my password?");
  }

  @Test
  void badInputIsOneLineNamingTheFileAndWritesNothing(@TempDir Path dir) throws IOException {
    Path index = dir.resolve("idx");
    Path repeated =
        Files.writeString(
            dir.resolve("repeated.tsv"), "a\tFirst question?\nb\tSecond?\na\tThird?\n");
    CliRun dup = run("index", "add", "--index", "" + index, "--input", "" + repeated, "--ids");
    assertThat(dup.exitCode()).isEqualTo(1);
    assertThat(dup.err().lines())
        .containsExactly(
            "qsim index add: Input file "
                + repeated
                + " line 3: id 'a' was already used on line 1");
    assertThat(index).doesNotExist();

    Path noTab = Files.writeString(dir.resolve("notab.tsv"), "a\tFine?\njust a question\n");
    CliRun tab = run("index", "add", "--index", "" + index, "--input", "" + noTab, "--ids");
    assertThat(tab.exitCode()).isEqualTo(1);
    assertThat(tab.err()).contains(noTab + " line 2: expected id<TAB>question");
    assertThat(index).doesNotExist();

    Path missing = dir.resolve("missing.txt");
    CliRun nofile = run("index", "add", "--index", "" + index, "--input", "" + missing);
    assertThat(nofile.exitCode()).isEqualTo(1);
    assertThat(nofile.err()).contains("Input file not found: " + missing);
    assertThat(index).doesNotExist();

    CliRun noIndex = run("index", "query", "--index", "" + index, "Anyone?");
    assertThat(noIndex.exitCode()).isEqualTo(1);
    assertThat(noIndex.err().strip()).startsWith("qsim index query: No question index at " + index);
    assertThat(index).doesNotExist();
    CliRun noStats = run("index", "stats", "--index", "" + index);
    assertThat(noStats.exitCode()).isEqualTo(1);
    assertThat(noStats.err()).contains("No question index at " + index);

    assertThat(run("index", "query", "--index", "" + index).exitCode()).isEqualTo(2);
    assertThat(run("index", "query", "--index", "" + index, "--k", "0", "Q?").exitCode())
        .isEqualTo(2);
    assertThat(run("index").exitCode()).isEqualTo(2);
  }
}
