package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.data.DataPart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qsim pairs}, {@code --part} and {@code --binarize} on the real MSRP and STS-B files. The
 * expected counts were computed with Python's hashlib and csv modules from the rule in {@link
 * DataPart}.
 */
class PairsCommandTest {
  private static final Path MSRP = TestData.dir().resolve("sts").resolve("msrp-train.tsv");
  private static final Path STSB = TestData.dir().resolve("sts").resolve("stsb-dev.tsv");

  @TempDir Path dir;

  @Test
  void writesTheCheckPartOfMsrpInTheBimpmLayout() throws IOException {
    Path out = dir.resolve("msrp-check.tsv");
    CliRun run =
        CliRun.run(
            "pairs",
            "--data",
            MSRP.toString(),
            "--format",
            "msrp",
            "--part",
            "check",
            "--out",
            out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Wrote 1,820 pairs (1,226 duplicates)").contains("part check");
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1_820);
    List<String> source = Files.readAllLines(MSRP, StandardCharsets.UTF_8);
    for (String line : lines) {
      String[] f = line.split("\t", -1);
      assertThat(f).hasSize(4);
      assertThat(f[0]).isIn("0", "1");
      assertThat(DataPart.partOf(f[1], f[2])).isEqualTo(DataPart.CHECK);
      // the id names the source row; that row holds the same label and texts
      int row = Integer.parseInt(f[3].substring(f[3].lastIndexOf(':') + 1));
      String[] original = source.get(row - 1).replace("\r", "").split("\t", -1);
      assertThat(original[0].replace("\uFEFF", "")).isEqualTo(f[0]);
      assertThat(original[3]).isEqualTo(f[1]);
      assertThat(original[4]).isEqualTo(f[2]);
    }
    assertThat(dir.toFile().list()).as("no temporary file left").containsExactly("msrp-check.tsv");
  }

  @Test
  void binarisesStsbScoresAndLeavesTheMiddleOut() throws IOException {
    Path out = dir.resolve("stsb.tsv");
    CliRun run =
        CliRun.run(
            "pairs",
            "--data",
            STSB.toString(),
            "--format",
            "stsb",
            "--binarize",
            "2,4",
            "--part",
            "train",
            "--out",
            out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Wrote 462 pairs (132 duplicates)");
    assertThat(Files.readAllLines(out, StandardCharsets.UTF_8)).hasSize(462);
  }

  @Test
  void gradedDataWithoutBinarizeIsAUsageErrorAndWritesNothing() {
    Path out = dir.resolve("x.tsv");
    CliRun run =
        CliRun.run("pairs", "--data", STSB.toString(), "--format", "stsb", "--out", out.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--binarize LOW,HIGH");
    assertThat(out).doesNotExist();
  }

  @Test
  void badPartAndBoundsAreUsageErrorsNamingTheArgument() {
    CliRun part =
        CliRun.run(
            "pairs",
            "--data",
            MSRP.toString(),
            "--format",
            "msrp",
            "--part",
            "test",
            "--out",
            dir.resolve("x.tsv").toString());
    assertThat(part.exitCode()).isEqualTo(2);
    assertThat(part.err()).contains("'test'").contains("all, train, check");
    CliRun bounds =
        CliRun.run(
            "calibrate",
            "--data",
            STSB.toString(),
            "--format",
            "stsb",
            "--binarize",
            "4,2",
            "--no-progress");
    assertThat(bounds.exitCode()).isEqualTo(2);
    assertThat(bounds.err()).contains("--binarize 4,2").contains("must be greater");
    CliRun graded =
        CliRun.run("calibrate", "--data", STSB.toString(), "--format", "stsb", "--no-progress");
    assertThat(graded.exitCode()).isEqualTo(2);
    assertThat(graded.err()).contains("is graded: add --binarize LOW,HIGH");
  }

  @Test
  void addsWordOrderNegativesSwapsAgainstADuplicateAndOrderFreeReorderings() throws IOException {
    Path in = dir.resolve("pairs.tsv");
    Files.writeString(
        in,
        "1\tHow do I get from Paris to Rome?\tWhat is the cheapest way from Paris to Rome?\tx\n"
            + "0\tWhat is the difference between Java and Python?\tHow do I learn Java?\ty\n",
        StandardCharsets.UTF_8);
    Path out = dir.resolve("augmented.tsv");
    CliRun run =
        CliRun.run(
            "pairs",
            "--data",
            in.toString(),
            "--format",
            "bimpm",
            "--add-word-order",
            "--out",
            out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("2 word-order negatives")
        .contains("2 swapped questions against a duplicate")
        .contains("1 order-free reorderings");
    assertThat(Files.readAllLines(out, StandardCharsets.UTF_8))
        .hasSize(7)
        .contains(
            "0\tHow do I get from Paris to Rome?\tHow do I get from Rome to Paris?\tword order of "
                + in
                + ":1")
        .anyMatch(
            l ->
                l.startsWith(
                    "0\tHow do I get from Rome to Paris?\tWhat is the cheapest way from Paris to"
                        + " Rome?\t"))
        .anyMatch(
            l ->
                l.startsWith(
                    "0\tHow do I get from Paris to Rome?\tWhat is the cheapest way from Rome to"
                        + " Paris?\t"))
        .anyMatch(
            l ->
                l.startsWith(
                    "1\tWhat is the difference between Java and Python?\tWhat is the difference"
                        + " between Python and Java?\torder-free reordering of "));
  }
}
