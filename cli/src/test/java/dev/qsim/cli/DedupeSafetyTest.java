package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qsim dedupe} never destroys its input and refuses meaningless thresholds. */
class DedupeSafetyTest {
  private static final String QUESTIONS =
      "How do I learn Java?\nWhat is the best way to learn Java?\nHow old is the moon?\n";

  @Test
  void outputThatIsTheInputIsRefusedBeforeAnythingIsRead(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("questions.txt");
    Files.writeString(input, QUESTIONS);
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Path symlink = Files.createSymbolicLink(sub.resolve("link.txt"), input);
    Path hardLink = Files.createLink(sub.resolve("hard.txt"), input);
    Path dotted = sub.resolve("..").resolve(".").resolve("questions.txt");
    for (Path output : new Path[] {input, dotted, symlink, hardLink}) {
      // ModelFactoryFail: the refusal comes before the model (and before reading the input).
      CliRun run =
          CliRun.run(
              ModelFactoryFail.INSTANCE, "dedupe", "-i", input.toString(), "-o", output.toString());
      assertThat(run.exitCode()).as(output + ": " + run.err()).isEqualTo(1);
      assertThat(run.err())
          .contains("Cannot write output " + output)
          .contains("it is the input file " + input);
      assertThat(Files.readString(input)).isEqualTo(QUESTIONS);
    }
    // The other way round too: the input named through a link to the output's file.
    CliRun reversed =
        CliRun.run(
            ModelFactoryFail.INSTANCE, "dedupe", "-i", symlink.toString(), "-o", input.toString());
    assertThat(reversed.exitCode()).isEqualTo(1);
    assertThat(Files.readString(input)).isEqualTo(QUESTIONS);
    assertThat(Files.isSymbolicLink(symlink)).isTrue();
  }

  @Test
  void similarityThresholdOutsideTheCosineRangeIsAnErrorNamingTheRange(@TempDir Path dir)
      throws IOException {
    Path input = dir.resolve("questions.txt");
    Files.writeString(input, QUESTIONS);
    Path output = dir.resolve("groups.jsonl");
    Files.writeString(output, "old\n");
    // Before: --threshold 2 on a cosine model was accepted and silently found 0 groups.
    for (String t : new String[] {"2", "-1.5"}) {
      CliRun run =
          CliRun.run(
              "dedupe",
              "-i",
              input.toString(),
              "-o",
              output.toString(),
              "--no-pair-head",
              "--threshold",
              t);
      assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
      assertThat(run.err())
          .contains("threshold " + Double.parseDouble(t) + " is outside [-1, 1]")
          .contains("cosine similarity");
      assertThat(Files.readString(output)).isEqualTo("old\n");
    }
  }

  @Test
  void linesWithNoVisibleCharacterAreBlankLines(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("invisible.txt");
    // NBSP, zero-width space, a BOM in the middle, U+0001, ideographic space, word joiner.
    Files.writeString(
        input,
        "\u00a0\n\u200b\r\nHow do I learn Java?\n\ufeff\n\u0001\n\u3000\u2060\n"
            + "What is the best way to learn Java?\n",
        StandardCharsets.UTF_8);
    Path output = dir.resolve("groups.jsonl");
    CliRun run =
        CliRun.run(SharedModel.FACTORY, "dedupe", "-i", input.toString(), "-o", output.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("Read 2 questions").contains("7 lines, 5 blank lines skipped");
    // Only the two real questions can be grouped: no group holds an invisible line.
    for (String line : Files.readAllLines(output)) {
      assertThat(line).doesNotContain("\"line\":1,").doesNotContain("\"line\":2,");
    }
  }
}
