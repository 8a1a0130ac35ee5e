package dev.qsim.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the examples on the bundled model and the real Quora dev file. */
class ExamplesTest {
  private static final Path DEV =
      Path.of(System.getProperty("qsim.data.dir", "../../shared/data"), "quora", "dev.tsv");

  @Test
  void readsTheFirstDistinctQuestionsInFileOrder() {
    List<String> questions = FindDuplicatesExample.firstDistinctQuestions(DEV, 300);
    assertThat(questions).hasSize(300);
    assertThat(new HashSet<>(questions)).hasSize(300);
    // Row 1 of dev.tsv: label, question1, question2, id.
    assertThat(questions.get(0)).isEqualTo("How do I get funding for my web based startup idea ?");
    assertThat(questions.get(1)).isEqualTo("How do I get seed funding pre product ?");
  }

  @Test
  void aMissingDataFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("dev.tsv");
    assertThatThrownBy(() -> FindDuplicatesExample.firstDistinctQuestions(missing, 10))
        .hasMessageContaining(missing.toString());
  }

  @Test
  void theDemoRunsEveryExample() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      Demo.main(new String[] {DEV.toString()});
    } finally {
      System.setOut(original);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    assertThat(text)
        .contains("== Similarity of question pairs ==")
        .contains("model says duplicate")
        .contains("== FAQ matching ==")
        .contains("-> How do I reset my password?")
        .containsPattern("Similarity threshold 0\\.[0-9]{3}, calibrated on 54 labelled FAQ pairs")
        // the Quora-tuned pair head called this pair "not a duplicate"; the FAQ's own threshold
        // answers it
        .containsPattern(
            "I want my money back\\R  -> How do I get a refund\\? \\(similarity 0\\.[0-9]{3}\\)"
                + "  \\[answer with this FAQ entry\\]")
        .containsPattern(
            "What is the capital of Australia\\?\\R  -> .*\\[below the threshold: no FAQ answers"
                + " this\\]")
        .contains("== Duplicate groups in a list ==")
        .contains("Searching 300 questions")
        .contains("Group 1: ")
        .containsPattern(
            "[1-9][0-9]* duplicate pairs \\([1-9][0-9]* candidates at similarity >= 0\\.[0-9]{3},"
                + " verified by the pair head\\) in [1-9][0-9]* groups");
  }
}
