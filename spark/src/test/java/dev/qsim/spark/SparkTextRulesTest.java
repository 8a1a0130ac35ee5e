package dev.qsim.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.cli.QsimCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 19: the Spark job applies the SDK's blank, strip and unreadable rules, so a file of
 * zero-width-space lines, blank lines, invisible characters at the ends of questions and text the
 * model cannot read gives the groups {@code qsim dedupe} gives, instead of failing.
 */
class SparkTextRulesTest {
  @BeforeAll
  static void startSpark() {
    SharedSpark.session();
  }

  /** Real Quora questions, interleaved with the probe's hostile lines. */
  private static Path writeProbe(Path dir) throws IOException {
    List<String> questions = TestQuestions.quoraDev(60);
    String[] hostile = {
      "\u200b\u200b\u200b", // zero-width spaces only: blank by the SDK, not by String.isBlank
      "",
      "\u00a0\u2060\ufeff",
      "   ",
      "😀😀😀", // unreadable
      "ᠮᠣᠩᠭᠣᠯ",
      "ꦧꦱꦗꦮ",
    };
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < questions.size(); i++) {
      String q = questions.get(i);
      // Invisible characters at the ends of every third question: stripped by the SDK's rule.
      lines.add(i % 3 == 0 ? "\u200b\u00a0" + q + "\u2060\u200b" : q);
      if (i % 8 == 1) {
        lines.add(hostile[(i / 8) % hostile.length]);
      }
    }
    lines.add(30, "\u200b");
    Path input = dir.resolve("probe.txt");
    Files.writeString(input, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return input;
  }

  @Test
  @Tag("slow")
  void sparkGroupsEqualQsimDedupeOnInvisibleAndUnreadableLines(@TempDir Path dir)
      throws IOException {
    Path input = writeProbe(dir);
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
    assertThat(err.toString()).contains("unreadable lines skipped");

    Path out = dir.resolve("spark-out");
    DedupeJob.Summary summary =
        DedupeJob.run(
            new String[] {
              "--input", input.toString(), "--output", out.toString(), "--master", "local[2]"
            });
    assertThat(summary.questions()).isEqualTo(60);
    long lines = Files.readAllLines(input, StandardCharsets.UTF_8).size();
    assertThat(summary.skippedLines()).isEqualTo(lines - 60);

    // Same groups, line numbers and (stripped) texts; scores as the CLI wrote them.
    List<String> expected = Files.readAllLines(cliOutput, StandardCharsets.UTF_8);
    List<String> actual = Files.readAllLines(out.resolve("groups.jsonl"), StandardCharsets.UTF_8);
    assertThat(expected).isNotEmpty();
    assertThat(actual).hasSameSizeAs(expected);
    for (int g = 0; g < expected.size(); g++) {
      assertThat(withoutScores(actual.get(g))).isEqualTo(withoutScores(expected.get(g)));
    }
    assertThat(String.join("\n", actual)).doesNotContain("\\u200b").doesNotContain("\u200b");
  }

  /** A group line with its similarity and score numbers rounded to 4 places. */
  private static String withoutScores(String line) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\"(?:similarity|score)\":)(-?[0-9.eE+-]+)").matcher(line);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          b,
          m.group(1)
              + String.format(java.util.Locale.ROOT, "%.4f", Double.parseDouble(m.group(2))));
    }
    m.appendTail(b);
    return b.toString();
  }
}
