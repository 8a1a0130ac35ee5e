package dev.qsim.onnx;

import dev.qsim.ProgressListener;
import dev.qsim.SimilarityFunction;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The approximate candidate search ({@code SearchMode.APPROXIMATE}): an inverted-file (IVF) search
 * run as a self-join on ONNX Runtime's matrix kernels.
 *
 * <ol>
 *   <li>Spherical k-means on a seeded sample of the vectors ({@link VectorClusters}, shared with
 *       the Spark module's approximate search): about {@code sqrt(N)} clusters ({@link
 *       #clusterCount}).
 *   <li>Every vector gets one <em>home</em> cluster (its nearest centroid) and <em>probes</em> its
 *       {@code P} nearest clusters (home included).
 *   <li>For each cluster, the vectors whose home it is are compared exactly, in GEMM blocks, with
 *       the vectors that probe it; pairs at or above the threshold are offered to both questions'
 *       top-k ({@link TopKTable}, which holds a pair found in several clusters once).
 * </ol>
 *
 * A pair {@code (i, j)} is compared when the home of one is among the probes of the other. The work
 * is about {@code P · N² / C} dot products instead of {@code N² / 2}: with {@code C ≈ 2 sqrt(N)}
 * and {@code P = 24} a 1,000,000-vector search does about 1/165 of the exact search's.
 *
 * <p>Why not HNSW (Lucene) here: finding the duplicates of a list is a self-join that needs N
 * queries; on Java 17 Lucene's distance code is scalar and graph search is pointer chasing, so a
 * million HNSW queries on two cores are much slower than these dense blocks on ONNX Runtime's
 * vectorised kernels, and it would pull Lucene into {@code qsim-impl}.
 *
 * <p>Stateless; each call uses the workers it is given, so concurrent calls are safe.
 */
final class ClusteredSearch {
  private static final int BLOCK = 4096;

  /** Clusters per square root of N. */
  private final double clustersPerRoot;

  /** Clusters each vector probes. */
  private final int probes;

  ClusteredSearch(double clustersPerRoot, int probes) {
    this.clustersPerRoot = clustersPerRoot;
    this.probes = probes;
  }

  /**
   * The settings {@code findDuplicates} uses: {@code 2 sqrt(N)} clusters, 24 probes (at 12, 0.981
   * of the exact candidates at 100,000 real embeddings; at 24, 0.992: docs/benchmarks.md); the
   * system properties {@code qsim.ivf.clustersPerRoot} and {@code qsim.ivf.probes} override them
   * (for tuning runs of the benchmark; not an API).
   */
  static ClusteredSearch defaults() {
    return new ClusteredSearch(
        Double.parseDouble(System.getProperty("qsim.ivf.clustersPerRoot", "2.0")),
        Integer.parseInt(System.getProperty("qsim.ivf.probes", "24")));
  }

  int clusterCount(int n) {
    return (int) Math.max(1, Math.min(n, Math.round(clustersPerRoot * Math.sqrt(n))));
  }

  /** As {@link DuplicateFinder#candidates}, approximately. */
  CandidatePairs candidates(
      VectorStore vectors,
      SimilarityFunction function,
      double threshold,
      int topK,
      GemmWorkers workers,
      ProgressListener progress) {
    int n = vectors.size();
    int d = vectors.dimension();
    int c = clusterCount(n);
    int p = Math.min(probes, c);
    TopKTable tops = new TopKTable(n, topK);
    PairScan scan = new PairScan(vectors, function, threshold, tops);
    VectorClusters clusters =
        VectorClusters.train(vectors, c, VectorClusters.DEFAULT_SEED, workers, progress);
    int[] probeOf = clusters.nearest(vectors, p, workers, progress);
    // Homes and probers of each cluster, as compressed lists.
    int[] homeStart = new int[c + 1];
    int[] probeStart = new int[c + 1];
    for (int i = 0; i < n; i++) {
      homeStart[probeOf[i * p] + 1]++;
      for (int e = 0; e < p; e++) {
        probeStart[probeOf[i * p + e] + 1]++;
      }
    }
    for (int k = 0; k < c; k++) {
      homeStart[k + 1] += homeStart[k];
      probeStart[k + 1] += probeStart[k];
    }
    int[] homes = new int[n];
    int[] probers = new int[n * p];
    int[] homeFill = Arrays.copyOf(homeStart, c);
    int[] probeFill = Arrays.copyOf(probeStart, c);
    int[] home = new int[n];
    for (int i = 0; i < n; i++) {
      home[i] = probeOf[i * p];
      homes[homeFill[home[i]]++] = i;
      for (int e = 0; e < p; e++) {
        int k = probeOf[i * p + e];
        probers[probeFill[k]++] = i;
      }
    }
    probeOf = null;
    // The largest clusters first, so the workers finish together.
    Integer[] order = new Integer[c];
    long[] cost = new long[c];
    for (int k = 0; k < c; k++) {
      order[k] = k;
      cost[k] = (long) (homeStart[k + 1] - homeStart[k]) * (probeStart[k + 1] - probeStart[k]);
    }
    Arrays.sort(order, (a, b) -> Long.compare(cost[b], cost[a]));
    List<GemmWorkers.Task> tasks = new ArrayList<>(c);
    long[] weights = new long[c];
    for (int t = 0; t < c; t++) {
      int k = order[t];
      weights[t] = cost[k];
      int[] h = Arrays.copyOfRange(homes, homeStart[k], homeStart[k + 1]);
      int[] q = Arrays.copyOfRange(probers, probeStart[k], probeStart[k + 1]);
      if (h.length == 0) {
        tasks.add(() -> {});
        continue;
      }
      tasks.add(() -> joinCluster(vectors, scan, workers, k, home, h, q));
    }
    workers.runAll(tasks, weights, "searching", progress);
    return tops.pairs(vectors, function, threshold);
  }

  /** Compares the homes {@code h} of cluster {@code k} with its probers {@code q}. */
  private static void joinCluster(
      VectorStore vectors,
      PairScan scan,
      GemmWorkers workers,
      int k,
      int[] home,
      int[] h,
      int[] q) {
    int d = vectors.dimension();
    int rowBlock = DuplicateFinder.ROW_BLOCK;
    float[] dots = new float[rowBlock * BLOCK];
    FloatBuffer rows = gather(vectors, h, 0, h.length);
    // A pair of two homes of k is met twice (each probes its home): keep the one with row < col.
    PairScan.Skip skip = (i, j) -> i == j || (home[j] == k && j < i);
    for (int c0 = 0; c0 < q.length; c0 += BLOCK) {
      int c1 = Math.min(q.length, c0 + BLOCK);
      FloatBuffer columns = gather(vectors, q, c0, c1);
      int[] columnIds = Arrays.copyOfRange(q, c0, c1);
      for (int r0 = 0; r0 < h.length; r0 += rowBlock) {
        int r1 = Math.min(h.length, r0 + rowBlock);
        FloatBuffer a = rows.duplicate().position(r0 * d).limit(r1 * d).slice();
        workers.multiply(a, r1 - r0, columns, c1 - c0, d, dots);
        scan.scan(dots, Arrays.copyOfRange(h, r0, r1), r1 - r0, columnIds, c1 - c0, skip);
      }
    }
  }

  /** Vectors {@code ids[from..to)} copied into one direct buffer. */
  private static FloatBuffer gather(VectorStore vectors, int[] ids, int from, int to) {
    FloatBuffer out = VectorStore.direct((to - from) * vectors.dimension());
    for (int i = from; i < to; i++) {
      vectors.copyTo(ids[i], out);
    }
    return out.flip();
  }
}
