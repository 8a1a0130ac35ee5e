package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.DuplicateDecision;
import dev.qsim.DuplicateOptions;
import dev.qsim.Duplicates;
import dev.qsim.QuestionSimilarity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link QuestionSimilarity#resolve} says what {@code findDuplicates} will decide with, and {@link
 * QuestionSimilarity#hasPairHead()} whether a model carries a pair head, cascade included.
 */
class ResolvedDecisionTest {
  private static final ClassLoader LOADER = ResolvedDecisionTest.class.getClassLoader();

  @Test
  void aCascadeModelHasAPairHeadAndResolvesEachDecisionAsFindDuplicatesUsesIt() {
    List<String> questions = TestData.devQuestions(40);
    try (OnnxQuestionSimilarity cascade =
            OnnxQuestionSimilarity.builder()
                .setModelResource(LOADER, OnnxQuestionSimilarity.CASCADE_MODEL)
                .build();
        OnnxQuestionSimilarity verifierOnly =
            OnnxQuestionSimilarity.builder()
                .setModelResource(LOADER, OnnxQuestionSimilarity.CASCADE_MODEL)
                .optPairHead(false)
                .build()) {
      assertThat(cascade.decision()).isEqualTo(DuplicateDecision.CASCADE);
      assertThat(cascade.hasPairHead()).isTrue();
      assertThat(verifierOnly.hasPairHead()).isFalse();
      assertThat(SharedModel.get().hasPairHead()).isTrue();

      DuplicateOptions own = cascade.resolve(DuplicateOptions.defaults());
      assertThat(own.decision()).isEqualTo(DuplicateDecision.CASCADE);
      assertThat(own.threshold()).hasValue(cascade.duplicateThreshold());
      assertThat(own.candidateThreshold()).hasValue(cascade.candidateThreshold());

      DuplicateOptions head =
          cascade.resolve(DuplicateOptions.defaults().withDecision(DuplicateDecision.PAIR_HEAD));
      assertThat(head.threshold()).hasValue(cascade.metadata().pairHeadThreshold());
      DuplicateOptions similarity =
          cascade.resolve(DuplicateOptions.defaults().withDecision(DuplicateDecision.SIMILARITY));
      assertThat(similarity.threshold()).hasValue(cascade.similarityThreshold());
      assertThat(similarity.candidateThreshold()).hasValue(cascade.similarityThreshold());
      DuplicateOptions lowered =
          cascade.resolve(
              DuplicateOptions.defaults()
                  .withDecision(DuplicateDecision.SIMILARITY)
                  .withThreshold(0.6));
      assertThat(lowered.candidateThreshold()).hasValue(0.6);

      // Exactly what findDuplicates reports having used.
      for (DuplicateOptions o :
          List.of(
              DuplicateOptions.defaults(),
              DuplicateOptions.defaults().withDecision(DuplicateDecision.VERIFIER),
              DuplicateOptions.defaults().withDecision(DuplicateDecision.PAIR_HEAD),
              DuplicateOptions.defaults().withDecision(DuplicateDecision.SIMILARITY))) {
        DuplicateOptions r = cascade.resolve(o);
        Duplicates found = cascade.findDuplicates(questions, o);
        assertThat(r.decision()).as("%s", o.decision()).isEqualTo(found.decision());
        assertThat(r.threshold()).hasValue(found.threshold());
        assertThat(r.candidateThreshold()).hasValue(found.candidateThreshold());
        assertThat(r.search()).isEqualTo(o.search());
        assertThat(r.topKPerQuestion()).isEqualTo(o.topKPerQuestion());
      }

      assertThatThrownBy(
              () ->
                  verifierOnly.resolve(
                      DuplicateOptions.defaults().withDecision(DuplicateDecision.PAIR_HEAD)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("has no pair head");
      assertThatThrownBy(() -> cascade.resolve(DuplicateOptions.defaults().withThreshold(1.5)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("outside [0, 1]");
    }
  }
}
