package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.DuplicateDecision;
import dev.qsim.QuestionPair;
import dev.qsim.model.ModelMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bundled cascade model: the default's encoder and pair head, plus a packed verifier and a
 * band. Outside the band it decides exactly as the default does; inside, by the verifier.
 */
class CascadeModelResourceTest {
  private static final ClassLoader LOADER = CascadeModelResourceTest.class.getClassLoader();

  @Test
  void theCascadeDecidesAsTheDefaultOutsideItsBandAndByTheVerifierInside() {
    List<QuestionPair> pairs = TestData.pairs(TestData.quoraDev(60));
    try (OnnxQuestionSimilarity cascade = cascade(true);
        OnnxQuestionSimilarity verifier = cascade(false)) {
      OnnxQuestionSimilarity head = SharedModel.get();
      assertThat(cascade.decision()).isEqualTo(DuplicateDecision.CASCADE);
      assertThat(verifier.decision()).isEqualTo(DuplicateDecision.VERIFIER);
      assertThat(cascade.embed("How do I learn Java?").vector())
          .containsExactly(head.embed("How do I learn Java?").vector());
      ModelMetadata.Cascade band = cascade.metadata().verifier().cascade();
      assertThat(band.contains(head.duplicateThreshold())).isTrue();
      double[] h = head.duplicateScores(pairs);
      double[] v = verifier.duplicateScores(pairs);
      double[] c = cascade.duplicateScores(pairs);
      for (int i = 0; i < pairs.size(); i++) {
        boolean dup = c[i] >= cascade.duplicateThreshold();
        if (band.contains(h[i])) {
          assertThat(dup)
              .as("pair %d in the band", i)
              .isEqualTo(v[i] >= verifier.duplicateThreshold());
        } else {
          assertThat(c[i]).as("pair %d outside the band", i).isEqualTo(h[i]);
        }
      }
    }
  }

  @Test
  void theVerifierDecidesQuestionsWithTheSameWordsInAnotherOrderWhereverTheHeadIsSure() {
    List<QuestionPair> swapped =
        List.of(
            new QuestionPair(
                "How do I get from Paris to Rome?", "How do I get from Rome to Paris?"),
            new QuestionPair("Is Java better than Python?", "Is Python better than Java?"));
    try (OnnxQuestionSimilarity cascade = cascade(true);
        OnnxQuestionSimilarity verifier = cascade(false)) {
      ModelMetadata.Cascade band = cascade.metadata().verifier().cascade();
      double[] h = SharedModel.get().duplicateScores(swapped);
      double[] v = verifier.duplicateScores(swapped);
      double[] c = cascade.duplicateScores(swapped);
      for (int i = 0; i < swapped.size(); i++) {
        // the head over two pooled vectors is sure: the order is invisible to it
        assertThat(h[i]).as("head, pair %d", i).isGreaterThan(band.upper());
        assertThat(c[i]).as("cascade, pair %d", i).isBetween(band.lower(), band.upper());
        assertThat(c[i] >= cascade.duplicateThreshold())
            .as("pair %d decided by the verifier", i)
            .isEqualTo(v[i] >= verifier.duplicateThreshold());
        assertThat(cascade.isDuplicate(swapped.get(i).first(), swapped.get(i).second()))
            .isEqualTo(c[i] >= cascade.duplicateThreshold());
      }
    }
  }

  /** The bundled cascade, or its verifier alone (without the pair head). */
  private static OnnxQuestionSimilarity cascade(boolean pairHead) {
    return OnnxQuestionSimilarity.builder()
        .setModelResource(LOADER, OnnxQuestionSimilarity.CASCADE_MODEL)
        .optPairHead(pairHead)
        .build();
  }
}
