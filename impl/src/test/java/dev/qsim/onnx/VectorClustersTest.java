package dev.qsim.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qsim.Embedding;
import dev.qsim.ProgressListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one k-means: the public path that the Spark module takes (sample indices, train on their
 * vectors, nearest clusters of a list) gives exactly the buckets of {@code findDuplicates}'s own
 * path over its off-heap store ({@link ClusteredSearch}).
 */
class VectorClustersTest {
  @Test
  void thePublicPathBucketsExactlyAsTheClusteredSearchOnRealQuestions() {
    List<String> questions = TestData.devQuestions(900);
    List<Embedding> embeddings = SharedModel.get().embedAll(questions);
    float[][] v = new float[embeddings.size()][];
    for (int i = 0; i < v.length; i++) {
      v[i] = embeddings.get(i).vector();
    }
    int n = v.length;
    int c = ClusteredSearch.defaults().clusterCount(n);
    int p = 4;
    int[] store;
    try (VectorStore vectors = VectorStore.of(v);
        GemmWorkers workers = new GemmWorkers(2)) {
      VectorClusters clusters =
          VectorClusters.train(
              vectors, c, VectorClusters.DEFAULT_SEED, workers, ProgressListener.NONE);
      store = clusters.nearest(vectors, p, workers, ProgressListener.NONE);
    }
    int[] sample = VectorClusters.sample(n, c, VectorClusters.DEFAULT_SEED);
    assertThat(sample.length).isEqualTo(Math.min(n, c * VectorClusters.SAMPLE_PER_CLUSTER));
    List<float[]> points = new ArrayList<>();
    for (int i : sample) {
      points.add(v[i]);
    }
    VectorClusters trained = VectorClusters.train(points, c, VectorClusters.DEFAULT_SEED, 1);
    // Assigned in uneven pieces, as Spark's partitions and chunks cut a list.
    Set<Integer> homes = new HashSet<>();
    for (int[] piece : new int[][] {{0, 1}, {1, 300}, {300, n}}) {
      int[][] nearest = trained.nearest(Arrays.asList(v).subList(piece[0], piece[1]), p);
      for (int i = piece[0]; i < piece[1]; i++) {
        assertThat(nearest[i - piece[0]])
            .as("question %d", i)
            .containsExactly(Arrays.copyOfRange(store, i * p, i * p + p));
        homes.add(nearest[i - piece[0]][0]);
      }
    }
    assertThat(homes).as("the clusters are used").hasSizeGreaterThan(c / 2);
  }

  @Test
  void theSampleIsSeededDistinctAndIncreasing() {
    int[] a = VectorClusters.sample(10_000, 20, 7);
    assertThat(a).hasSize(20 * VectorClusters.SAMPLE_PER_CLUSTER).isSorted();
    assertThat(Arrays.stream(a).distinct().count()).isEqualTo(a.length);
    assertThat(VectorClusters.sample(10_000, 20, 7)).containsExactly(a);
    assertThat(VectorClusters.sample(10_000, 20, 8)).isNotEqualTo(a);
    assertThat(VectorClusters.sample(30, 2, 7)).hasSize(30);
  }

  @Test
  void badInputIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> VectorClusters.sample(5, 6, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clusters must be in [1, 5]");
    List<float[]> points = List.of(new float[] {1, 0}, new float[] {0, 1, 0});
    assertThatThrownBy(() -> VectorClusters.train(points, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sample[1] has dimension 3");
    VectorClusters two =
        VectorClusters.train(List.of(new float[] {1, 0}, new float[] {0, 1}), 2, 1, 1);
    assertThat(two.nearest(List.of(new float[] {0.1f, 2f}), 2)[0]).containsExactly(1, 0);
    assertThatThrownBy(() -> two.nearest(List.of(new float[] {1, 0}), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("probes must be in [1, 2]");
    assertThatThrownBy(() -> two.nearest(List.of(new float[] {1, 0, 0}), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vectors[0] has dimension 3");
  }
}
