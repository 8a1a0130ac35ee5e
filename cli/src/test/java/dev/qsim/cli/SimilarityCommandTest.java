package dev.qsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.QuestionSimilarity;
import dev.qsim.onnx.OnnxQuestionSimilarity;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimilarityCommandTest {

  @Test
  void lastLineIsTheSimilarityTheApiComputes() {
    // Row 3 of the BiMPM Quora dev split, labelled duplicate.
    String[] row = TestData.quoraDevRow(3);
    String q1 = row[1];
    String q2 = row[2];

    CliRun run = CliRun.run("similarity", q1, q2);

    assertThat(run.exitCode()).as(run.err()).isZero();
    double printed = Double.parseDouble(run.lastOutLine());
    try (QuestionSimilarity sim = OnnxQuestionSimilarity.bundled()) {
      assertThat(printed).isCloseTo(sim.similarity(q1, q2), within(1e-6));
      String decision = sim.isDuplicate(q1, q2) ? "Duplicate:  yes" : "Duplicate:  no";
      assertThat(run.out()).contains(decision).contains("cosine");
    }
    assertThat(run.outLines()).hasSize(4);
    assertThat(run.outLines().get(0))
        .isEqualTo("Model:      all-MiniLM-L6-v2 fine-tuned on Quora (fp32)");
  }

  @Test
  void decisionUsesThePairHeadUnlessSwitchedOff() {
    String q1 = "How do I learn Python fast?";
    String q2 = "What is the quickest way to learn Python?";
    CliRun withHead = CliRun.run("similarity", q1, q2);
    assertThat(withHead.exitCode()).as(withHead.err()).isZero();
    assertThat(withHead.out()).contains("the pair head's probability");
    CliRun plain = CliRun.run("similarity", q1, q2, "--no-pair-head");
    assertThat(plain.exitCode()).as(plain.err()).isZero();
    assertThat(plain.out()).contains("the similarity is").contains("threshold 0.7764");
    assertThat(plain.lastOutLine()).isEqualTo(withHead.lastOutLine());
  }

  @Test
  void identicalQuestionsHaveSimilarityOne() {
    String q = "Why was Cyrus Mistry removed as the chairman of Tata Sons ?";
    CliRun run = CliRun.run("similarity", q, q);
    assertThat(run.exitCode()).isZero();
    assertThat(Double.parseDouble(run.lastOutLine())).isCloseTo(1.0, within(1e-5));
    assertThat(run.out()).contains("Duplicate:  yes");
  }

  @Test
  void blankQuestionIsAUsageError() {
    CliRun run = CliRun.run(ModelFactoryFail.INSTANCE, "similarity", "How do I learn Java?", "  ");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Q2 is blank");
  }

  @Test
  void invisibleOnlyQuestionsAreBlankUsageErrors() {
    // Before: exit 0, "Duplicate: yes" with similarity 1.0 for qsim similarity $'\u00a0' $'\u200b'.
    CliRun run = CliRun.run(ModelFactoryFail.INSTANCE, "similarity", "\u00a0", "\u200b");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Q1 is blank (no visible character)");
    for (String invisible : new String[] {"\ufeff", "\u0001", "\u2060\u3000"}) {
      CliRun second = CliRun.run(ModelFactoryFail.INSTANCE, "similarity", "Why?", invisible);
      assertThat(second.exitCode()).isEqualTo(2);
      assertThat(second.err()).contains("Q2 is blank");
    }
  }

  @Test
  void missingArgumentIsAUsageError() {
    CliRun run = CliRun.run(ModelFactoryFail.INSTANCE, "similarity", "only one");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Q2");
  }

  @Test
  void missingModelDirectoryIsOneLineNamingIt(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-model");
    CliRun run = CliRun.run("similarity", "a question", "another", "--model", missing.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().strip()).doesNotContain("\n").contains(missing.toString());
    assertThat(run.err()).doesNotContain("at dev.qsim");
  }

  @Test
  void verbosePrintsTheStackTrace(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-model");
    CliRun run =
        CliRun.run("similarity", "a question", "another", "--model", missing.toString(), "-v");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(missing.toString())
        .contains("ModelLoadException")
        .contains("\tat ");
  }

  @Test
  void helpExitsZero() {
    CliRun run = CliRun.run(ModelFactoryFail.INSTANCE, "similarity", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: qsim similarity").contains("--model");
  }

  @Test
  void noCommandIsAUsageError() {
    CliRun run = CliRun.run(ModelFactoryFail.INSTANCE);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing command");
  }

  @Test
  void unknownCommandIsAUsageError() {
    CliRun run = CliRun.run(ModelFactoryFail.INSTANCE, "translate", "x");
    assertThat(run.exitCode()).isEqualTo(2);
  }
}
