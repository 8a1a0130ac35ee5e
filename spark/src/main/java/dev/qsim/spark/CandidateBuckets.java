package dev.qsim.spark;

import dev.qsim.onnx.VectorClusters;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Buckets for the candidate search: the SDK's own k-means ({@link VectorClusters}, the one {@code
 * findDuplicates} uses), trained on the driver on the same seeded sample of question indices; each
 * question goes to the buckets of its {@code probes} nearest centroids, and only questions that
 * share a bucket are compared. With one bucket every pair is compared (exact search).
 *
 * <p>Immutable and thread-safe; serialised to executors with the tasks.
 */
final class CandidateBuckets implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The clusters, or {@code null} for one bucket. */
  private final VectorClusters clusters;

  private final int probes;

  private CandidateBuckets(VectorClusters clusters, int probes) {
    this.clusters = clusters;
    this.probes = clusters == null ? 1 : Math.min(probes, clusters.count());
  }

  /** One bucket: every pair is compared. */
  static CandidateBuckets exact() {
    return new CandidateBuckets(null, 1);
  }

  /**
   * Trains {@code k} buckets on the vectors of the sampled indices ({@link VectorClusters#sample}),
   * collected to the driver in index order.
   *
   * @param embedded rows whose column 0 is the question index ({@code 0} to {@code n - 1}) and
   *     column 2 the vector
   */
  static CandidateBuckets train(Dataset<Row> embedded, int n, int k, int probes, long seed) {
    if (k <= 1 || n < 2) {
      return exact();
    }
    int clusters = Math.min(k, n);
    BitSet sample = new BitSet(n);
    for (int i : VectorClusters.sample(n, clusters, seed)) {
      sample.set(i);
    }
    Broadcast<BitSet> wanted = JavaSparkContexts.of(embedded).broadcast(sample);
    List<Row> rows =
        new ArrayList<>(
            embedded
                .filter((FilterFunction<Row>) r -> wanted.value().get(r.getInt(0)))
                .collectAsList());
    wanted.destroy();
    rows.sort(Comparator.comparingInt(r -> r.getInt(0)));
    List<float[]> points = new ArrayList<>(rows.size());
    for (Row r : rows) {
      points.add(QuestionMatcher.floats(r.getAs(2)));
    }
    int threads = Runtime.getRuntime().availableProcessors();
    return new CandidateBuckets(VectorClusters.train(points, clusters, seed, threads), probes);
  }

  int count() {
    return clusters == null ? 1 : clusters.count();
  }

  /** The buckets of each vector: its {@code probes} nearest centroids, nearest first. */
  int[][] assign(List<float[]> vectors) {
    if (clusters == null) {
      int[][] out = new int[vectors.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = new int[] {0};
      }
      return out;
    }
    return clusters.nearest(vectors, probes);
  }
}
