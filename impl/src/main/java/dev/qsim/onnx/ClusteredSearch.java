package dev.qsim.onnx;

import dev.qsim.ProgressListener;
import dev.qsim.SimilarityFunction;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The approximate candidate search ({@code SearchMode.APPROXIMATE}): an inverted-file (IVF) search
 * run as a self-join on ONNX Runtime's matrix kernels.
 *
 * <ol>
 *   <li>Spherical k-means, seeded, on a sample of the vectors ({@value #SAMPLE_PER_CLUSTER} per
 *       cluster), {@value #ITERATIONS} iterations, assignments by matrix products: about {@code
 *       sqrt(N)} clusters ({@link #clusterCount}).
 *   <li>Every vector gets one <em>home</em> cluster (its nearest centroid) and <em>probes</em> its
 *       {@code P} nearest clusters (home included).
 *   <li>For each cluster, the vectors whose home it is are compared exactly, in GEMM blocks, with
 *       the vectors that probe it; pairs at or above the threshold are offered to both questions'
 *       top-k ({@link TopKTable}, which holds a pair found in several clusters once).
 * </ol>
 *
 * A pair {@code (i, j)} is compared when the home of one is among the probes of the other. The work
 * is about {@code P · N² / C} dot products instead of {@code N² / 2}: with {@code C ≈ 2 sqrt(N)}
 * and {@code P = 12} a 1,000,000-vector search does about 1/330 of the exact search's.
 *
 * <p>Why not HNSW (Lucene) here: finding the duplicates of a list is a self-join that needs N
 * queries; on Java 17 Lucene's distance code is scalar and graph search is pointer chasing, so a
 * million HNSW queries on two cores are much slower than these dense blocks on ONNX Runtime's
 * vectorised kernels, and it would pull Lucene into {@code qsim-impl}.
 *
 * <p>Stateless; each call uses the workers it is given, so concurrent calls are safe.
 */
final class ClusteredSearch {
  static final int SAMPLE_PER_CLUSTER = 48;
  static final int ITERATIONS = 6;
  static final long SEED = 0x5eed_2026L;
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
   * The settings {@code findDuplicates} uses: {@code 2 sqrt(N)} clusters, 12 probes; the system
   * properties {@code qsim.ivf.clustersPerRoot} and {@code qsim.ivf.probes} override them (for
   * tuning runs of the benchmark; not an API).
   */
  static ClusteredSearch defaults() {
    return new ClusteredSearch(
        Double.parseDouble(System.getProperty("qsim.ivf.clustersPerRoot", "2.0")),
        Integer.parseInt(System.getProperty("qsim.ivf.probes", "12")));
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
    FloatBuffer centroids = kMeans(vectors, scan, c, workers, progress);
    int[] probeOf = assign(vectors, centroids, c, p, workers, progress);
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

  /**
   * Spherical k-means on a seeded sample: unit centroids, each sample vector (normalised) assigned
   * to the centroid of highest dot product, centroids recomputed as normalised means; an empty
   * cluster takes a random sample vector.
   */
  private static FloatBuffer kMeans(
      VectorStore vectors, PairScan scan, int c, GemmWorkers workers, ProgressListener progress) {
    int n = vectors.size();
    int d = vectors.dimension();
    Random rnd = new Random(SEED);
    int s = (int) Math.min(n, (long) c * SAMPLE_PER_CLUSTER);
    int[] sample = sample(n, s, rnd);
    FloatBuffer points = VectorStore.direct(s * d);
    float[] v = new float[d];
    for (int i : sample) {
      vectors.get(i, v);
      float inv = scan.inverseNorm(i);
      for (int k = 0; k < d; k++) {
        v[k] *= inv;
      }
      points.put(v);
    }
    points.flip();
    FloatBuffer centroids = VectorStore.direct(c * d);
    for (int k = 0; k < c; k++) {
      centroids.put(points.duplicate().position(k * d).limit(k * d + d));
    }
    centroids.flip();
    int[] nearest = new int[s];
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      progress.update("clustering", iteration, ITERATIONS);
      nearest(points, s, centroids, c, d, 1, nearest, workers, true);
      double[] sums = new double[c * d];
      int[] counts = new int[c];
      for (int i = 0; i < s; i++) {
        int k = nearest[i];
        counts[k]++;
        for (int e = 0; e < d; e++) {
          sums[k * d + e] += points.get(i * d + e);
        }
      }
      for (int k = 0; k < c; k++) {
        if (counts[k] == 0) {
          int pick = rnd.nextInt(s);
          for (int e = 0; e < d; e++) {
            sums[k * d + e] = points.get(pick * d + e);
          }
        }
        double norm = 0;
        for (int e = 0; e < d; e++) {
          norm += sums[k * d + e] * sums[k * d + e];
        }
        double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (int e = 0; e < d; e++) {
          centroids.put(k * d + e, (float) (sums[k * d + e] * inv));
        }
      }
    }
    progress.update("clustering", ITERATIONS, ITERATIONS);
    return centroids;
  }

  /** {@code s} distinct indices of {@code [0, n)}, in increasing order. */
  private static int[] sample(int n, int s, Random rnd) {
    if (s == n) {
      return DuplicateFinder.range(0, n);
    }
    // Floyd's algorithm: s draws, no n-sized array.
    java.util.BitSet chosen = new java.util.BitSet(n);
    for (int j = n - s; j < n; j++) {
      int t = rnd.nextInt(j + 1);
      chosen.set(chosen.get(t) ? j : t);
    }
    return chosen.stream().toArray();
  }

  /** The {@code p} nearest clusters of every stored vector, nearest first ({@code n * p} ids). */
  private static int[] assign(
      VectorStore vectors,
      FloatBuffer centroids,
      int c,
      int p,
      GemmWorkers workers,
      ProgressListener progress) {
    int n = vectors.size();
    int d = vectors.dimension();
    int[] out = new int[n * p];
    List<GemmWorkers.Task> tasks = new ArrayList<>();
    long[] weights = new long[(n + BLOCK - 1) / BLOCK];
    for (int b = 0; b * BLOCK < n; b++) {
      int r0 = b * BLOCK;
      int r1 = Math.min(n, r0 + BLOCK);
      weights[b] = r1 - r0;
      tasks.add(
          () -> {
            int[] best = new int[(r1 - r0) * p];
            nearest(vectors.rows(r0, r1), r1 - r0, centroids, c, d, p, best, workers, false);
            System.arraycopy(best, 0, out, r0 * p, best.length);
          });
    }
    workers.runAll(tasks, weights, "assigning", progress);
    return out;
  }

  /**
   * For each of {@code m} rows, the {@code p} centroids of highest dot product, best first, into
   * {@code out[r * p ...]}; in blocks spread over the workers when {@code parallel} (never from a
   * worker), else on the calling thread.
   */
  private static void nearest(
      FloatBuffer rows,
      int m,
      FloatBuffer centroids,
      int c,
      int d,
      int p,
      int[] out,
      GemmWorkers workers,
      boolean parallel) {
    int block = Math.max(1, Math.min(m, (1 << 22) / c));
    if (parallel && m > block) {
      List<GemmWorkers.Task> tasks = new ArrayList<>();
      long[] weights = new long[(m + block - 1) / block];
      for (int b = 0; b * block < m; b++) {
        int r0 = b * block;
        int r1 = Math.min(m, r0 + block);
        weights[b] = r1 - r0;
        tasks.add(
            () -> {
              int[] best = new int[r1 - r0];
              FloatBuffer part = rows.duplicate().position(r0 * d).limit(r1 * d).slice();
              nearestBlock(part, r1 - r0, centroids, c, d, 1, best, workers);
              System.arraycopy(best, 0, out, r0, best.length);
            });
      }
      workers.runAll(tasks, weights, "clustering", ProgressListener.NONE);
      return;
    }
    for (int r0 = 0; r0 < m; r0 += block) {
      int r1 = Math.min(m, r0 + block);
      int[] best = new int[(r1 - r0) * p];
      FloatBuffer part = rows.duplicate().position(r0 * d).limit(r1 * d).slice();
      nearestBlock(part, r1 - r0, centroids, c, d, p, best, workers);
      System.arraycopy(best, 0, out, r0 * p, best.length);
    }
  }

  private static void nearestBlock(
      FloatBuffer rows,
      int m,
      FloatBuffer centroids,
      int c,
      int d,
      int p,
      int[] out,
      GemmWorkers workers) {
    float[] dots = new float[m * c];
    workers.multiply(rows, m, centroids.duplicate(), c, d, dots);
    float[] bestScore = new float[p];
    for (int r = 0; r < m; r++) {
      int size = 0;
      int at = r * c;
      int base = r * p;
      for (int k = 0; k < c; k++) {
        float value = dots[at + k];
        if (size == p && value <= bestScore[p - 1]) {
          continue;
        }
        int pos = size < p ? size++ : p - 1;
        while (pos > 0 && bestScore[pos - 1] < value) {
          bestScore[pos] = bestScore[pos - 1];
          out[base + pos] = out[base + pos - 1];
          pos--;
        }
        bestScore[pos] = value;
        out[base + pos] = k;
      }
    }
  }
}
