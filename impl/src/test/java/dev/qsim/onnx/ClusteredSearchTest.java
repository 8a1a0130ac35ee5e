package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qsim.DuplicatePair;
import dev.qsim.Embedding;
import dev.qsim.ProgressListener;
import dev.qsim.SimilarityFunction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class ClusteredSearchTest {

  /** Vectors around 60 random centres with varied noise, so that near pairs exist. */
  private static float[][] clustered(int n, int d, long seed) {
    Random rnd = new Random(seed);
    float[][] centres = new float[60][d];
    for (float[] c : centres) {
      for (int k = 0; k < d; k++) {
        c[k] = (float) rnd.nextGaussian();
      }
    }
    float[][] v = new float[n][d];
    for (int i = 0; i < n; i++) {
      float[] c = centres[rnd.nextInt(centres.length)];
      double noise = 0.2 + rnd.nextDouble();
      for (int k = 0; k < d; k++) {
        v[i][k] = (float) (c[k] + noise * rnd.nextGaussian());
      }
    }
    return v;
  }

  private static Set<Long> keys(List<DuplicatePair> pairs) {
    Set<Long> out = new HashSet<>();
    for (DuplicatePair p : pairs) {
      out.add((long) p.first() << 32 | p.second());
    }
    return out;
  }

  private static List<DuplicatePair> search(
      ClusteredSearch search, float[][] v, SimilarityFunction f, double threshold, int topK) {
    try (VectorStore store = VectorStore.of(v);
        GemmWorkers workers = new GemmWorkers(2)) {
      return search.candidates(store, f, threshold, topK, workers, ProgressListener.NONE).toList();
    }
  }

  private static double recall(List<DuplicatePair> exact, List<DuplicatePair> approximate) {
    Set<Long> found = keys(approximate);
    long hit =
        exact.stream().filter(p -> found.contains((long) p.first() << 32 | p.second())).count();
    return (double) hit / exact.size();
  }

  @Test
  void probingEveryClusterFindsExactlyTheExactCandidates() {
    float[][] v = clustered(1500, 32, 5);
    for (SimilarityFunction f : SimilarityFunction.values()) {
      double threshold =
          f == SimilarityFunction.DOT_PRODUCT ? 40 : f == SimilarityFunction.EUCLIDEAN ? 0.15 : 0.8;
      List<DuplicatePair> exact =
          DuplicateFinder.candidates(v, f, threshold, 5, 2, ProgressListener.NONE);
      // 0.5 * sqrt(1500) = 19 clusters, all probed: every pair is compared, some several times.
      List<DuplicatePair> all = search(new ClusteredSearch(0.5, 1000), v, f, threshold, 5);
      assertThat(exact).as("%s: the data has candidates", f).hasSizeGreaterThan(100);
      assertThat(all).as("%s", f).containsExactlyInAnyOrderElementsOf(exact);
    }
  }

  @Test
  void fewProbesFindAlmostAllCandidatesAndNothingBelowTheThreshold() {
    float[][] v = clustered(4000, 48, 9);
    List<DuplicatePair> exact =
        DuplicateFinder.candidates(
            v, SimilarityFunction.COSINE, 0.85, 10, 2, ProgressListener.NONE);
    List<DuplicatePair> approximate =
        search(ClusteredSearch.defaults(), v, SimilarityFunction.COSINE, 0.85, 10);
    assertThat(exact).hasSizeGreaterThan(1000);
    assertThat(recall(exact, approximate)).isGreaterThanOrEqualTo(0.99);
    for (DuplicatePair p : approximate) {
      assertThat(p.first()).isLessThan(p.second());
      assertThat(p.similarity())
          .isGreaterThanOrEqualTo(0.85)
          .isEqualTo(SimilarityFunction.COSINE.compare(v[p.first()], v[p.second()]));
    }
    assertThat(keys(approximate)).as("no pair twice").hasSize(approximate.size());
  }

  @Test
  void oneProbeMissesPairsAcrossClusters() {
    // The recall above comes from probing: with a single probe and many clusters, pairs whose
    // members live in different clusters are lost.
    float[][] v = clustered(4000, 48, 9);
    List<DuplicatePair> exact =
        DuplicateFinder.candidates(
            v, SimilarityFunction.COSINE, 0.85, 10, 2, ProgressListener.NONE);
    List<DuplicatePair> one =
        search(new ClusteredSearch(4, 1), v, SimilarityFunction.COSINE, 0.85, 10);
    assertThat(recall(exact, one)).isLessThan(0.99);
  }

  @Test
  void topKIgnoresACandidateItAlreadyHolds() {
    TopKTable table = new TopKTable(3, 2);
    table.offer(0, 1, 0.9);
    table.offer(0, 1, 0.9);
    table.offer(0, 2, 0.8);
    assertThat(table.holds(0, 1)).isTrue();
    assertThat(table.holds(0, 2)).as("not pushed out by a repeated offer").isTrue();
    table.offer(0, 2, 0.8);
    table.offer(1, 0, 0.9);
    try (VectorStore store = VectorStore.of(new float[][] {{1, 0}, {0.9f, 0.1f}, {0.8f, 0.3f}})) {
      assertThat(table.pairs(store, SimilarityFunction.COSINE, 0).toList())
          .extracting(p -> p.first() + "-" + p.second())
          .containsExactly("0-1", "0-2");
    }
  }

  /** Approximate against exact search on real questions embedded by the bundled model. */
  @Test
  @Tag("slow")
  void recallOnRealQuestionsIsAtLeast99Percent() {
    Set<String> distinct = new LinkedHashSet<>();
    for (TestData.Row r : TestData.quoraDev(2500)) {
      distinct.add(r.q1());
      distinct.add(r.q2());
    }
    List<String> questions = new ArrayList<>(distinct).subList(0, 4000);
    OnnxQuestionSimilarity qsim = SharedModel.get();
    List<Embedding> embeddings = qsim.embedAll(questions);
    float[][] v = new float[embeddings.size()][];
    for (int i = 0; i < v.length; i++) {
      v[i] = embeddings.get(i).vector();
    }
    double threshold = qsim.candidateThreshold();
    List<DuplicatePair> exact =
        DuplicateFinder.candidates(
            v, qsim.similarityFunction(), threshold, 10, 2, ProgressListener.NONE);
    List<DuplicatePair> approximate =
        search(ClusteredSearch.defaults(), v, qsim.similarityFunction(), threshold, 10);
    assertThat(exact).as("real duplicates exist").hasSizeGreaterThan(300);
    assertThat(recall(exact, approximate)).isGreaterThanOrEqualTo(0.99);
  }
}
