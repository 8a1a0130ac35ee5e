package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * Issue 19 on the command line: questions the model cannot read are refused like blank ones, and
 * the messages that misled now say what is wrong.
 */
class TextRulesAndMessagesTest {
  private static final String EMOJI = "😀😀😀";
  private static final String OTHER_EMOJI = "🙂🙂";
  private static final String MONGOLIAN = "ᠮᠣᠩᠭᠣᠯ";
  private static final String JAVANESE = "ꦧꦱꦗꦮ";

  private static CliRun run(String... args) {
    return CliRun.run(SharedModel.FACTORY, args);
  }

  private static Path write(Path dir, String name, String... lines) throws IOException {
    return Files.writeString(
        dir.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  @Test
  void similarityRefusesUnreadableQuestionsLikeBlankOnes() {
    CliRun emoji = run("similarity", EMOJI, OTHER_EMOJI);
    assertThat(emoji.exitCode()).isEqualTo(2);
    assertThat(emoji.out()).isEmpty();
    assertThat(emoji.err()).startsWith("Q1 is unreadable").doesNotContain("Similarity:");
    CliRun scripts = run("similarity", "How do I learn Java?", JAVANESE);
    assertThat(scripts.exitCode()).isEqualTo(2);
    assertThat(scripts.err()).startsWith("Q2 is unreadable");
    CliRun mongolian = run("similarity", MONGOLIAN, JAVANESE);
    assertThat(mongolian.exitCode()).isEqualTo(2);
    assertThat(mongolian.err()).startsWith("Q1 is unreadable");
    CliRun mixed =
        run("similarity", "How do I say ᠮᠣᠩᠭᠣᠯ in English?", "How do I say hello in Mongolian?");
    assertThat(mixed.exitCode()).as(mixed.err()).isZero();
    assertThat(Double.parseDouble(mixed.lastOutLine())).isLessThan(0.999);
  }

  @Test
  void dedupeSkipsAndCountsUnreadableLines(@TempDir Path dir) throws IOException {
    Path input =
        write(
            dir,
            "q.txt",
            "How do I learn Java?",
            EMOJI,
            "",
            OTHER_EMOJI,
            MONGOLIAN,
            "How can I learn Java?",
            JAVANESE);
    Path output = dir.resolve("groups.jsonl");
    CliRun run = run("dedupe", "-i", input.toString(), "-o", output.toString(), "--no-progress");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err())
        .contains("Read 2 questions from " + input)
        .contains("7 lines, 1 blank lines skipped, 4 unreadable lines skipped");
    List<Integer> lines = new ArrayList<>();
    for (String line : Files.readAllLines(output)) {
      JsonObject group = JsonParser.parseString(line).getAsJsonObject();
      group
          .getAsJsonArray("questions")
          .forEach(q -> lines.add(q.getAsJsonObject().get("line").getAsInt()));
    }
    assertThat(lines).containsExactlyInAnyOrder(1, 6);
  }

  @Test
  void indexAddAndQuerySkipUnreadableLines(@TempDir Path dir) throws IOException {
    Path input = write(dir, "q.txt", "How do I learn Java?", EMOJI, "", MONGOLIAN);
    Path index = dir.resolve("idx");
    CliRun add = run("index", "add", "--index", index.toString(), "-i", input.toString());
    assertThat(add.exitCode()).as(add.err()).isZero();
    assertThat(add.err())
        .contains("Added 1 question from " + input + " (1 new, 0 replaced)")
        .contains("1 commit;")
        .contains("skipped 1 blank line and 2 unreadable lines")
        .contains("holds 1 question\n");

    Path queries = write(dir, "queries.txt", JAVANESE, "", "How can I learn Java?");
    CliRun query =
        run("index", "query", "--index", index.toString(), "--queries", queries.toString());
    assertThat(query.exitCode()).as(query.err()).isZero();
    assertThat(query.outLines())
        .contains("# line 1: unreadable, skipped", "# line 2: blank, skipped", "# line 3");
    assertThat(query.err()).contains("Skipped 1 blank and 1 unreadable lines of " + queries);

    CliRun one = run("index", "query", "--index", index.toString(), OTHER_EMOJI);
    assertThat(one.exitCode()).isEqualTo(2);
    assertThat(one.err()).startsWith("QUESTION is unreadable");
  }

  @Test
  void anInputWithoutQuestionsCreatesNoIndex(@TempDir Path dir) throws IOException {
    Path input = write(dir, "q.txt", "", "\u200b", EMOJI);
    Path index = dir.resolve("idx");
    CliRun add = run("index", "add", "--index", index.toString(), "-i", input.toString());
    assertThat(add.exitCode()).isEqualTo(1);
    assertThat(add.err().strip())
        .isEqualTo(
            "qsim index add: Input file "
                + input
                + " holds no question to add (3 lines: 2 blank, 1 unreadable); nothing was added"
                + " and the index "
                + index
                + " was not created");
    assertThat(index).doesNotExist();
  }

  @Test
  void idsWithABlankIdOrQuestionSaySoNotFoundNoTab(@TempDir Path dir) throws IOException {
    Path index = dir.resolve("idx");
    Path noQuestion = write(dir, "a.txt", "q1\tHow do I learn Java?", "q2\t");
    CliRun a =
        run("index", "add", "--ids", "--index", index.toString(), "-i", noQuestion.toString());
    assertThat(a.exitCode()).isEqualTo(1);
    assertThat(a.err())
        .contains("line 2: the question after the tab is blank")
        .doesNotContain("found no tab");
    Path noId = write(dir, "b.txt", "q1\tHow do I learn Java?", " \tHow can I learn Java?");
    CliRun b = run("index", "add", "--ids", "--index", index.toString(), "-i", noId.toString());
    assertThat(b.exitCode()).isEqualTo(1);
    assertThat(b.err())
        .contains("line 2: the id before the tab is blank")
        .doesNotContain("found no tab");
    Path noTab = write(dir, "c.txt", "q1 How do I learn Java?");
    CliRun c = run("index", "add", "--ids", "--index", index.toString(), "-i", noTab.toString());
    assertThat(c.err()).contains("line 1: expected id<TAB>question (--ids), found no tab");
  }

  @Test
  void errorsNameTheWholeCommand(@TempDir Path dir) {
    Path missing = dir.resolve("missing.txt");
    CliRun add =
        run("index", "add", "--index", dir.resolve("idx").toString(), "-i", missing.toString());
    assertThat(add.exitCode()).isEqualTo(1);
    assertThat(add.err()).startsWith("qsim index add: Input file not found: " + missing);
    CliRun dedupe = run("dedupe", "-i", missing.toString(), "-o", dir.resolve("o").toString());
    assertThat(dedupe.err()).startsWith("qsim dedupe: ");
  }

  @Test
  void anUnwritableOutputIsNamedInOneLine(@TempDir Path dir) throws IOException {
    Path input = write(dir, "q.txt", "How do I learn Java?", "How can I learn Java?");
    CliRun run = run("dedupe", "-i", input.toString(), "-o", "/proc/version", "--no-progress");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip())
        .startsWith("qsim dedupe: Cannot write output /proc/version: ")
        .contains("/proc")
        .doesNotContain("Exception")
        .doesNotContain("\n");
  }

  @Test
  void aUtf16FileIsNamedAsSuch(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("utf16.txt");
    Files.write(
        input, "How do I learn Java?\nHow can I learn Java?\n".getBytes(StandardCharsets.UTF_16));
    CliRun run = run("dedupe", "-i", input.toString(), "-o", dir.resolve("o.jsonl").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("Input file " + input + " is UTF-16 (big-endian) text")
        .contains("byte-order mark")
        .doesNotContain("bad bytes");
    Path little = dir.resolve("utf16le.txt");
    byte[] body = "Why?\n".getBytes(StandardCharsets.UTF_16LE);
    byte[] bytes = new byte[body.length + 2];
    bytes[0] = (byte) 0xFF;
    bytes[1] = (byte) 0xFE;
    System.arraycopy(body, 0, bytes, 2, body.length);
    Files.write(little, bytes);
    CliRun le =
        run("index", "add", "--index", dir.resolve("idx").toString(), "-i", little.toString());
    assertThat(le.err()).contains("is UTF-16 (little-endian) text").doesNotContain("bad bytes");
    assertThat(dir.resolve("idx")).doesNotExist();
  }

  @Test
  void aCandidateThresholdOutsideTheCosineRangeIsRefused(@TempDir Path dir) throws IOException {
    Path input = write(dir, "q.txt", "How do I learn Java?", "How can I learn Java?");
    Path output = dir.resolve("o.jsonl");
    CliRun run =
        run(
            "dedupe",
            "-i",
            input.toString(),
            "-o",
            output.toString(),
            "--candidate-threshold",
            "-1.5");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("--candidate-threshold must be in [-1, 1], the range of the model's cosine")
        .contains("was -1.5");
    assertThat(output).doesNotExist();
  }
}
