package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.qsim.DuplicateGroup;
import dev.qsim.DuplicateOptions;
import dev.qsim.DuplicatePair;
import dev.qsim.Duplicates;
import dev.qsim.ProgressListener;
import dev.qsim.SimilarityFunction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DuplicateFinderTest {

  /** Clustered random vectors: 40 centres, each question a noisy copy, so real duplicates exist. */
  private static float[][] clustered(int n, int d, long seed) {
    Random rnd = new Random(seed);
    float[][] centres = new float[40][d];
    for (float[] c : centres) {
      for (int k = 0; k < d; k++) {
        c[k] = (float) rnd.nextGaussian();
      }
    }
    float[][] v = new float[n][d];
    for (int i = 0; i < n; i++) {
      float[] c = centres[rnd.nextInt(centres.length)];
      double noise = 0.3 + rnd.nextDouble();
      for (int k = 0; k < d; k++) {
        v[i][k] = (float) (c[k] + noise * rnd.nextGaussian());
      }
    }
    return v;
  }

  /** The specification, by brute force over all pairs. */
  private static List<DuplicatePair> bruteForce(
      float[][] v, SimilarityFunction f, double threshold, int topK) {
    int n = v.length;
    double[][] s = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        s[i][j] = i == j ? Double.NEGATIVE_INFINITY : f.compare(v[i], v[j]);
      }
    }
    Set<Long> kept = new HashSet<>();
    for (int i = 0; i < n; i++) {
      List<Integer> cand = new ArrayList<>();
      for (int j = 0; j < n; j++) {
        if (j != i && s[i][j] >= threshold) {
          cand.add(j);
        }
      }
      int row = i;
      cand.sort(
          (a, b) ->
              s[row][a] != s[row][b]
                  ? Double.compare(s[row][b], s[row][a])
                  : Integer.compare(a, b));
      for (int e = 0; e < Math.min(topK, cand.size()); e++) {
        int j = cand.get(e);
        kept.add((long) Math.min(i, j) * n + Math.max(i, j));
      }
    }
    List<DuplicatePair> pairs = new ArrayList<>();
    for (long key : kept) {
      int a = (int) (key / n);
      int b = (int) (key % n);
      pairs.add(new DuplicatePair(a, b, s[a][b], s[a][b]));
    }
    pairs.sort(DuplicateSearch.PAIR_ORDER);
    return pairs;
  }

  @ParameterizedTest
  @EnumSource(SimilarityFunction.class)
  void blockedSearchEqualsBruteForce(SimilarityFunction f) {
    float[][] v = clustered(531, 24, 7 + f.ordinal());
    double threshold =
        f == SimilarityFunction.DOT_PRODUCT ? 30 : f == SimilarityFunction.EUCLIDEAN ? 0.2 : 0.8;
    for (int topK : new int[] {1, 3, 1000}) {
      List<DuplicatePair> expected = bruteForce(v, f, threshold, topK);
      List<DuplicatePair> found =
          new ArrayList<>(
              DuplicateFinder.candidates(v, f, threshold, topK, 2, ProgressListener.NONE));
      found.sort(DuplicateSearch.PAIR_ORDER);
      assertThat(expected).as("the test data has duplicates").hasSizeGreaterThan(20);
      assertThat(found).hasSize(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        DuplicatePair e = expected.get(i);
        DuplicatePair a = found.get(i);
        assertThat(a.first()).as("pair %d", i).isEqualTo(e.first());
        assertThat(a.second()).as("pair %d", i).isEqualTo(e.second());
        assertThat(a.similarity()).isCloseTo(e.similarity(), within(1e-9));
      }
    }
  }

  @Test
  void capsPairsAndKeepsTheBest() {
    float[][] v = clustered(300, 16, 3);
    PairDecision d = PairDecision.similarity(SimilarityFunction.COSINE, 0.7);
    DuplicateOptions options = DuplicateOptions.defaults().withTopKPerQuestion(50);
    Duplicates all =
        new DuplicateSearch(d, SimilarityFunction.COSINE, 0.7, options, 2)
            .run(v, ProgressListener.NONE);
    Duplicates capped =
        new DuplicateSearch(d, SimilarityFunction.COSINE, 0.7, options.withMaxPairs(25), 1)
            .run(v, ProgressListener.NONE);
    assertThat(all.truncated()).isFalse();
    assertThat(capped.truncated()).isTrue();
    assertThat(capped.pairs()).containsExactlyElementsOf(all.pairs().subList(0, 25));
  }

  @Test
  void groupsAreDisjointCliquesOfVerifiedPairs() {
    float[][] v = clustered(200, 16, 11);
    PairDecision d = PairDecision.similarity(SimilarityFunction.COSINE, 0.75);
    Duplicates found =
        new DuplicateSearch(
                d,
                SimilarityFunction.COSINE,
                0.75,
                DuplicateOptions.defaults().withTopKPerQuestion(5),
                2)
            .run(v, ProgressListener.NONE);
    assertThat(found.groups()).isNotEmpty();
    Set<Integer> seen = new TreeSet<>();
    for (DuplicateGroup g : found.groups()) {
      for (int m : g.members()) {
        assertThat(seen.add(m)).as("member %d in one group only", m).isTrue();
      }
      assertThat(g.members()).isSorted().contains(g.representative());
      assertThat(g.pairs()).hasSize(g.members().size() - 1);
      for (DuplicatePair p : g.pairs()) {
        assertThat(List.of(p.first(), p.second())).contains(g.representative());
        assertThat(found.pairs()).contains(p);
      }
      for (int a : g.members()) {
        for (int b : g.members()) {
          if (a < b) {
            assertThat(SimilarityFunction.COSINE.compare(v[a], v[b]))
                .as("members %d and %d are duplicates of each other", a, b)
                .isGreaterThanOrEqualTo(0.75);
          }
        }
      }
    }
    for (int i = 1; i < found.groups().size(); i++) {
      assertThat(found.groups().get(i).members().size())
          .isLessThanOrEqualTo(found.groups().get(i - 1).members().size());
    }
  }

  @Test
  void findsRealDuplicatesAmongRealQuestions() {
    List<String> questions = new ArrayList<>(TestData.devQuestions(200));
    int a = questions.size();
    questions.add("How can I improve my English speaking skills?");
    questions.add("What are some ways to improve my spoken English?");
    var qsim = SharedModel.get();
    Duplicates d = qsim.findDuplicates(questions, DuplicateOptions.defaults());
    assertThat(d.questionCount()).isEqualTo(questions.size());
    assertThat(d.threshold()).isEqualTo(qsim.duplicateThreshold());
    assertThat(d.decision()).isEqualTo(qsim.decision());
    assertThat(d.pairs())
        .anySatisfy(p -> assertThat(List.of(p.first(), p.second())).containsExactly(a, a + 1));
    for (DuplicatePair p : d.pairs()) {
      assertThat(p.score()).isGreaterThanOrEqualTo(d.threshold());
      assertThat(p.similarity()).isGreaterThanOrEqualTo(d.candidateThreshold());
      assertThat(p.similarity())
          .isCloseTo(
              qsim.similarity(questions.get(p.first()), questions.get(p.second())), within(1e-5));
      assertThat(p.score())
          .isCloseTo(
              qsim.duplicateScore(questions.get(p.first()), questions.get(p.second())),
              within(1e-5));
    }
    long[] progressCalls = new long[1];
    qsim.findDuplicates(
        questions,
        DuplicateOptions.defaults().withThreshold(0.95),
        (s, done, total) -> progressCalls[0]++);
    assertThat(progressCalls[0]).isGreaterThan(2);
  }
}
