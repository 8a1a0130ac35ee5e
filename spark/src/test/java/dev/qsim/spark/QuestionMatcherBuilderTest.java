package dev.qsim.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.DuplicateDecision;
import dev.qsim.DuplicateOptions;
import org.junit.jupiter.api.Test;

/** The builder's values do not depend on the order of its calls. */
class QuestionMatcherBuilderTest {
  private static final DuplicateOptions OPTIONS =
      DuplicateOptions.defaults()
          .withDecision(DuplicateDecision.SIMILARITY)
          .withThreshold(0.7)
          .withCandidateThreshold(0.5);

  @Test
  void theCandidateThresholdSurvivesOptionsSetAfterIt() {
    DuplicateOptions after =
        QuestionMatcher.builder().optCandidateThreshold(0.9).optOptions(OPTIONS).build().options();
    DuplicateOptions before =
        QuestionMatcher.builder().optOptions(OPTIONS).optCandidateThreshold(0.9).build().options();
    for (DuplicateOptions o : new DuplicateOptions[] {after, before}) {
      assertThat(o.candidateThreshold()).hasValue(0.9);
      assertThat(o.threshold()).hasValue(0.7);
      assertThat(o.decision()).isEqualTo(DuplicateDecision.SIMILARITY);
    }
  }

  @Test
  void withoutAnExplicitCandidateThresholdTheOptionsOwnApplies() {
    assertThat(QuestionMatcher.builder().optOptions(OPTIONS).build().options()).isEqualTo(OPTIONS);
    assertThat(QuestionMatcher.builder().build().options().candidateThreshold()).isEmpty();
  }
}
