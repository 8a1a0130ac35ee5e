package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.DuplicatePair;
import dev.qsim.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PairVerifierTest {

  private static float[][] unitVectors(int n, int d, long seed) {
    Random rnd = new Random(seed);
    float[][] v = new float[n][d];
    for (int i = 0; i < n; i++) {
      double norm = 0;
      for (int k = 0; k < d; k++) {
        v[i][k] = (float) rnd.nextGaussian();
        norm += v[i][k] * v[i][k];
      }
      // Pull some towards the previous vector so that the head accepts some pairs.
      for (int k = 0; k < d; k++) {
        v[i][k] /= (float) Math.sqrt(norm);
        if (i > 0 && i % 3 != 0) {
          v[i][k] = 0.3f * v[i][k] + 0.7f * v[i - 1][k];
        }
      }
    }
    return v;
  }

  @Test
  void batchedHeadScoresEqualTheScalarFormula() {
    PairDecision decision = SharedModel.get().pairDecision();
    PairHead head = decision.head();
    assertThat(head).as("the bundled model has a pair head").isNotNull();
    float[][] v = unitVectors(700, head.dimension(), 3);
    CandidatePairs pairs = new CandidatePairs(0);
    Random rnd = new Random(4);
    for (int p = 0; p < 5000; p++) {
      int a = rnd.nextInt(v.length - 1);
      int b = p % 2 == 0 ? a + 1 : a + 1 + rnd.nextInt(v.length - 1 - a);
      pairs.add(a, b, 0.5);
    }
    double[] batched = new double[pairs.size()];
    try (VectorStore store = VectorStore.of(v);
        GemmWorkers workers = new GemmWorkers(2)) {
      new PairVerifier(decision).headScores(store, pairs, 0, pairs.size(), workers, batched);
      for (int p = 0; p < pairs.size(); p++) {
        assertThat(batched[p])
            .as("pair %d", p)
            .isCloseTo(head.probability(v[pairs.first(p)], v[pairs.second(p)]), within(1e-6));
      }
    }
    long accepted = java.util.Arrays.stream(batched).filter(decision::accepts).count();
    assertThat(accepted).as("both decisions occur").isBetween(100L, pairs.size() - 100L);
  }

  @Test
  void projectedScalarScoresEqualTheReferenceFormula() {
    PairHead head = SharedModel.get().pairDecision().head();
    float[][] v = unitVectors(200, head.dimension(), 5);
    for (int a = 0; a + 1 < v.length; a++) {
      int b = (a * 37 + 1) % v.length;
      double projected = head.probability(v[a], head.project(v[a]), v[b], head.project(v[b]));
      assertThat(projected)
          .as("pair %d-%d", a, b)
          .isCloseTo(head.probability(v[a], v[b]), within(1e-6));
    }
  }

  @Test
  void verificationAcceptsExactlyWhatTheScalarDecisionAccepts() {
    PairDecision decision = SharedModel.get().pairDecision();
    float[][] v = unitVectors(900, decision.head().dimension(), 8);
    CandidatePairs pairs = new CandidatePairs(0);
    for (int a = 0; a < v.length; a++) {
      for (int b = a + 1; b < Math.min(v.length, a + 12); b++) {
        pairs.add(a, b, 0.5);
      }
    }
    List<DuplicatePair> expected = new ArrayList<>();
    for (int p = 0; p < pairs.size(); p++) {
      double s = decision.score(v[pairs.first(p)], v[pairs.second(p)]);
      if (decision.accepts(s)) {
        expected.add(new DuplicatePair(pairs.first(p), pairs.second(p), 0.5, s));
      }
    }
    List<DuplicatePair> verified;
    try (VectorStore store = VectorStore.of(v);
        GemmWorkers workers = new GemmWorkers(2)) {
      verified =
          new PairVerifier(decision)
              .verify(store, null, pairs, workers, ProgressListener.NONE, null);
    }
    assertThat(expected).hasSizeGreaterThan(100);
    assertThat(verified).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(verified.get(i).first()).isEqualTo(expected.get(i).first());
      assertThat(verified.get(i).second()).isEqualTo(expected.get(i).second());
      assertThat(verified.get(i).score()).isCloseTo(expected.get(i).score(), within(1e-6));
    }
  }
}
