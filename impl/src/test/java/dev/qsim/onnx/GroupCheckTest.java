package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.DuplicateDecision;
import dev.qsim.Embedding;
import dev.qsim.model.ModelMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The grouping's cross checks with the bundled cascade: they answer as the decision does pair by
 * pair, and a check that the pair head settles by itself costs no verifier call.
 */
class GroupCheckTest {
  private static OnnxQuestionSimilarity cascade;
  private static List<String> texts;
  private static VectorStore vectors;
  private static GemmWorkers workers;

  @BeforeAll
  static void load() {
    cascade =
        OnnxQuestionSimilarity.builder()
            .setModelResource(
                GroupCheckTest.class.getClassLoader(), OnnxQuestionSimilarity.CASCADE_MODEL)
            .build();
    assertThat(cascade.decision()).isEqualTo(DuplicateDecision.CASCADE);
    texts = new ArrayList<>();
    for (TestData.Row r : TestData.quoraDev(60)) {
      texts.add(r.q1());
      texts.add(r.q2());
    }
    List<Embedding> embedded = cascade.embedAll(texts);
    float[][] v = new float[embedded.size()][];
    for (int i = 0; i < v.length; i++) {
      v[i] = embedded.get(i).vector();
    }
    vectors = VectorStore.of(v);
    workers = new GemmWorkers(2);
  }

  @AfterAll
  static void close() {
    workers.close();
    vectors.close();
    cascade.close();
  }

  private static GroupCheck check() {
    PairDecision decision = cascade.pairDecision();
    return new GroupCheck(
        decision,
        new PairVerifier(decision),
        cascade.metadata().similarityFunction(),
        -1,
        vectors,
        texts,
        workers,
        null);
  }

  private static double head(int a, int b) {
    return cascade.pairDecision().head().probability(vectors.get(a), vectors.get(b));
  }

  @Test
  void aCrossCheckWithAPairTheHeadRejectsAsksTheVerifierNothing() {
    ModelMetadata.Cascade band = cascade.pairDecision().band();
    int inBand = -1;
    int rejected = -1;
    for (int i = 0; i + 1 < texts.size() && (inBand < 0 || rejected < 0); i += 2) {
      double p = head(i, i + 1);
      if (band.contains(p)) {
        inBand = i;
      } else if (p < band.lower() && !WordOrder.reordered(texts.get(i), texts.get(i + 1))) {
        rejected = i;
      }
    }
    assertThat(inBand).as("a dev pair in the band").isNotNegative();
    assertThat(rejected).as("a dev pair the head rejects").isNotNegative();
    // The pair the verifier would decide comes first, the one the head rejects last.
    int[] first = {inBand, rejected};
    int[] second = {inBand + 1, rejected + 1};
    GroupCheck check = check();
    assertThat(check.allDuplicates(first, second, 2, new double[] {0.9, 0.9}, new double[2]))
        .isFalse();
    assertThat(check.decided()).as("pairs sent to the decision").isZero();
  }

  @Test
  void crossChecksAnswerAsTheDecisionDoesPairByPair() {
    Random rnd = new Random(11);
    GroupCheck check = check();
    int agreed = 0;
    for (int t = 0; t < 12; t++) {
      int count = 1 + rnd.nextInt(3);
      int[] first = new int[count];
      int[] second = new int[count];
      List<String> a = new ArrayList<>();
      List<String> b = new ArrayList<>();
      float[][] u = new float[count][];
      float[][] v = new float[count][];
      for (int i = 0; i < count; i++) {
        // mostly labelled dev pairs (many duplicates), sometimes two unrelated questions
        int x = 2 * rnd.nextInt(texts.size() / 2);
        int y = rnd.nextInt(4) == 0 ? rnd.nextInt(texts.size()) : x + 1;
        first[i] = Math.min(x, y);
        second[i] = Math.max(x, y);
        a.add(texts.get(first[i]));
        b.add(texts.get(second[i]));
        u[i] = vectors.get(first[i]);
        v[i] = vectors.get(second[i]);
      }
      double[] alone = cascade.pairDecision().scores(a, b, u, v);
      boolean expected = true;
      for (double s : alone) {
        expected &= cascade.pairDecision().accepts(s);
      }
      double[] score = new double[count];
      boolean answer = check.allDuplicates(first, second, count, new double[count], score);
      assertThat(answer).as("check %d", t).isEqualTo(expected);
      if (answer) {
        for (int i = 0; i < count; i++) {
          assertThat(score[i]).isCloseTo(alone[i], org.assertj.core.api.Assertions.within(1e-6));
        }
        agreed++;
      }
    }
    assertThat(agreed).as("checks that pass").isBetween(1, 11);
  }
}
