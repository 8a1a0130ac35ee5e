package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qsim dedupe}'s bounds: {@code --top-k} of any size, {@code --max-pairs} and its summary.
 */
class DedupeBoundsTest {
  /** {@code DuplicateOptions.MAX_TOP_K}, spelled out so that this test compiles without it. */
  private static final int MAX_TOP_K = 1_000;

  /** Three copies of one question, a dev duplicate pair and one more question. */
  private static Path input(Path dir) throws IOException {
    String[] row = duplicateRow();
    List<String> lines =
        List.of(
            "How do I learn Java quickly?",
            row[1],
            "How do I learn Java quickly?",
            row[2],
            "What is the capital of Peru?",
            "How do I learn Java quickly?");
    return Files.write(dir.resolve("questions.txt"), lines, StandardCharsets.UTF_8);
  }

  private static String[] duplicateRow() {
    for (int r = 1; r <= 40; r++) {
      String[] row = TestData.quoraDevRow(r);
      if (row[0].equals("1") && SharedModel.get().isDuplicate(row[1], row[2])) {
        return row;
      }
    }
    throw new AssertionError("no dev row in the first 40 is a duplicate to the model");
  }

  private static CliRun dedupe(Path input, Path output, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("dedupe", "-i", input.toString(), "-o", output.toString(), "--no-progress"));
    args.addAll(List.of(more));
    return CliRun.run(SharedModel.FACTORY, args.toArray(String[]::new));
  }

  @Test
  void aTopKAboveTheMaximumIsAOneLineUsageError(@TempDir Path dir) throws IOException {
    Path input = input(dir);
    for (String k : List.of("5000000", "2147483647", Integer.toString(MAX_TOP_K + 1))) {
      CliRun run = dedupe(input, dir.resolve("groups.jsonl"), "--top-k", k);
      assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
      assertThat(run.err().lines().findFirst().orElse(""))
          .isEqualTo(
              String.format(
                  java.util.Locale.ROOT,
                  "--top-k must be at most %,d (candidates kept per question), was %s",
                  MAX_TOP_K,
                  k));
      assertThat(run.err()).doesNotContain("Exception", "OutOfMemoryError", "\tat ", "overflow");
      assertThat(dir.resolve("groups.jsonl")).doesNotExist();
    }
  }

  @Test
  void aTopKAboveTheInputSizeIsCappedAndFindsTheSameGroups(@TempDir Path dir) throws IOException {
    Path input = input(dir);
    CliRun plain = dedupe(input, dir.resolve("plain.jsonl"));
    CliRun most = dedupe(input, dir.resolve("most.jsonl"), "--top-k", Integer.toString(MAX_TOP_K));
    assertThat(plain.exitCode()).as(plain.err()).isZero();
    assertThat(most.exitCode()).as(most.err()).isZero();
    assertThat(Files.readString(dir.resolve("most.jsonl")))
        .isEqualTo(Files.readString(dir.resolve("plain.jsonl")))
        .contains("\"size\":3");
  }

  @Test
  void theSummaryCountsCandidatesVerifiedKeptAndDroppedPairs(@TempDir Path dir) throws IOException {
    Path input = input(dir);
    CliRun all = dedupe(input, dir.resolve("all.jsonl"));
    assertThat(all.exitCode()).as(all.err()).isZero();
    // The two repeats of line 1 and the dev pair: three verified pairs, none dropped by default.
    assertThat(all.err())
        .contains("Verified 3 of ")
        .contains("Kept all 3 verified pairs (no --max-pairs cap), dropped 0");

    CliRun capped = dedupe(input, dir.resolve("capped.jsonl"), "--max-pairs", "1");
    assertThat(capped.exitCode()).as(capped.err()).isZero();
    assertThat(capped.err())
        .contains("Verified 3 of ")
        .contains("Kept 1 of the 3 verified pairs (--max-pairs 1), dropped 2");
  }
}
