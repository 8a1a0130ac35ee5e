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
    try (OnnxQuestionSimilarity cascade =
            OnnxQuestionSimilarity.builder()
                .setModelResource(LOADER, OnnxQuestionSimilarity.CASCADE_MODEL)
                .build();
        OnnxQuestionSimilarity verifier =
            OnnxQuestionSimilarity.builder()
                .setModelResource(LOADER, OnnxQuestionSimilarity.CASCADE_MODEL)
                .optPairHead(false)
                .build()) {
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
}
