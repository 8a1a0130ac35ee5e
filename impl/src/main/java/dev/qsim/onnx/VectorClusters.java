package dev.qsim.onnx;

import dev.qsim.ProgressListener;
import java.io.Serializable;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The k-means buckets of the approximate candidate search: the one spherical k-means that {@code
 * findDuplicates} ({@link ClusteredSearch}) and the Spark module's approximate search both use, so
 * that the same vectors, cluster count and seed give the same buckets on one machine and on a
 * cluster.
 *
 * <ol>
 *   <li>A seeded sample ({@link #sample}): {@code min(n, }{@value #SAMPLE_PER_CLUSTER}{@code · c)}
 *       distinct indices, in increasing order.
 *   <li>{@value #ITERATIONS} iterations of spherical k-means on the sample, normalised: the first
 *       {@code c} sample vectors start as centroids; each sample vector goes to the centroid of
 *       highest dot product; centroids become the normalised means; an empty cluster takes a sample
 *       vector drawn with the seed. Products run on ONNX Runtime's matrix kernels.
 *   <li>A vector's buckets ({@link #nearest}) are its {@code p} centroids of highest dot product,
 *       nearest first (ties by the lower cluster).
 * </ol>
 *
 * <p>Public for the Spark module; not part of qsim's API. Immutable, thread-safe and serialisable
 * (the centroids travel to Spark executors).
 */
public final class VectorClusters implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Sample vectors per cluster. */
  public static final int SAMPLE_PER_CLUSTER = 48;

  /** k-means iterations. */
  public static final int ITERATIONS = 6;

  /** The seed {@code findDuplicates} uses. */
  public static final long DEFAULT_SEED = 0x5eed_2026L;

  /** The centroids, {@code count} rows of {@code dimension} values. */
  private final float[] centroids;

  /** The number of centroids. */
  private final int count;

  /** The length of each centroid. */
  private final int dimension;

  private VectorClusters(float[] centroids, int count, int dimension) {
    this.centroids = centroids;
    this.count = count;
    this.dimension = dimension;
  }

  /**
   * The indices of the vectors that train {@code clusters} clusters over {@code n} vectors: {@code
   * min(n, SAMPLE_PER_CLUSTER · clusters)} distinct indices of {@code [0, n)}, drawn with {@code
   * seed}, in increasing order.
   *
   * @param n how many vectors there are, at least {@code clusters}
   * @param clusters how many clusters, at least 1
   * @param seed the seed
   * @return the sample's indices
   * @throws IllegalArgumentException if {@code clusters} is below 1 or above {@code n}
   */
  public static int[] sample(int n, int clusters, long seed) {
    checkCount(n, clusters);
    int s = (int) Math.min(n, (long) clusters * SAMPLE_PER_CLUSTER);
    if (s == n) {
      return DuplicateFinder.range(0, n);
    }
    // Floyd's algorithm: s draws, no n-sized array.
    Random rnd = new Random(seed);
    BitSet chosen = new BitSet(n);
    for (int j = n - s; j < n; j++) {
      int t = rnd.nextInt(j + 1);
      chosen.set(chosen.get(t) ? j : t);
    }
    return chosen.stream().toArray();
  }

  /**
   * Trains the clusters on the sample vectors, on {@code threads} threads.
   *
   * @param sample the vectors at {@link #sample(int, int, long)}'s indices, in that order (any
   *     length; they are normalised here), all of one dimension
   * @param clusters how many clusters, 1 to {@code sample.size()}
   * @param seed the seed given to {@link #sample}
   * @param threads worker threads, at least 1
   * @return the clusters
   * @throws IllegalArgumentException if the sample is empty, smaller than {@code clusters}, or its
   *     vectors differ in dimension (naming the index)
   */
  public static VectorClusters train(List<float[]> sample, int clusters, long seed, int threads) {
    Objects.requireNonNull(sample, "sample");
    if (sample.isEmpty()) {
      throw new IllegalArgumentException("sample is empty");
    }
    checkCount(sample.size(), clusters);
    int d = Objects.requireNonNull(sample.get(0), "sample[0]").length;
    FloatBuffer points = gather(sample, "sample", d);
    try (GemmWorkers workers = new GemmWorkers(threads)) {
      return train(points, sample.size(), d, clusters, seed, workers, ProgressListener.NONE);
    }
  }

  /**
   * The vectors in one direct buffer, ready to read.
   *
   * @throws IllegalArgumentException naming the first vector whose dimension is not {@code d}
   */
  private static FloatBuffer gather(List<float[]> vectors, String name, int d) {
    FloatBuffer out = VectorStore.direct(vectors.size() * d);
    for (int i = 0; i < vectors.size(); i++) {
      int at = i;
      float[] v = Objects.requireNonNull(vectors.get(i), () -> name + "[" + at + "]");
      if (v.length != d) {
        throw new IllegalArgumentException(
            name + "[" + i + "] has dimension " + v.length + ", expected " + d);
      }
      out.put(v);
    }
    return out.flip();
  }

  /** Samples the stored vectors ({@link #sample}) and trains on them. */
  static VectorClusters train(
      VectorStore vectors,
      int clusters,
      long seed,
      GemmWorkers workers,
      ProgressListener progress) {
    int d = vectors.dimension();
    int[] sample = sample(vectors.size(), clusters, seed);
    FloatBuffer points = VectorStore.direct(sample.length * d);
    for (int i : sample) {
      vectors.copyTo(i, points);
    }
    return train(points.flip(), sample.length, d, clusters, seed, workers, progress);
  }

  /** Spherical k-means over the {@code s} (raw) sample vectors in {@code raw}. */
  private static VectorClusters train(
      FloatBuffer raw,
      int s,
      int d,
      int c,
      long seed,
      GemmWorkers workers,
      ProgressListener progress) {
    FloatBuffer points = VectorStore.direct(s * d);
    float[] v = new float[d];
    for (int i = 0; i < s; i++) {
      raw.get(i * d, v);
      double sq = 0;
      for (float x : v) {
        sq += (double) x * x;
      }
      float inv = sq > 0 ? (float) (1 / Math.sqrt(sq)) : 1f;
      for (int k = 0; k < d; k++) {
        v[k] *= inv;
      }
      points.put(v);
    }
    points.flip();
    FloatBuffer centroids = VectorStore.direct(c * d);
    centroids.put(points.duplicate().limit(c * d));
    centroids.flip();
    Random rnd = new Random(seed);
    int[] nearest = new int[s];
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      progress.update("clustering", iteration, ITERATIONS);
      // Reported per iteration above, not per block.
      nearest(
          slices(points, d),
          s,
          centroids,
          c,
          d,
          1,
          nearest,
          workers,
          "clustering",
          ProgressListener.NONE);
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
    float[] out = new float[c * d];
    centroids.get(0, out);
    return new VectorClusters(out, c, d);
  }

  private static void checkCount(int n, int clusters) {
    if (clusters < 1 || clusters > n) {
      throw new IllegalArgumentException(
          "clusters must be in [1, " + n + "] for " + n + " vectors, was " + clusters);
    }
  }

  /**
   * How many clusters there are.
   *
   * @return the cluster count
   */
  public int count() {
    return count;
  }

  /**
   * The dimension of the centroids.
   *
   * @return the dimension
   */
  public int dimension() {
    return dimension;
  }

  /**
   * The buckets of each vector: its {@code probes} nearest clusters, nearest first.
   *
   * @param vectors the vectors, of {@link #dimension()}
   * @param probes how many clusters per vector, 1 to {@link #count()}
   * @return {@code probes} cluster numbers per vector
   * @throws IllegalArgumentException if {@code probes} is out of range or a vector has another
   *     dimension (naming the index)
   */
  public int[][] nearest(List<float[]> vectors, int probes) {
    Objects.requireNonNull(vectors, "vectors");
    checkProbes(probes);
    int m = vectors.size();
    int[][] out = new int[m][];
    if (m == 0) {
      return out;
    }
    FloatBuffer rows = gather(vectors, "vectors", dimension);
    int[] flat = new int[m * probes];
    try (GemmWorkers workers = new GemmWorkers(1)) {
      nearest(
          slices(rows, dimension),
          m,
          centroids(),
          count,
          dimension,
          probes,
          flat,
          workers,
          null,
          ProgressListener.NONE);
    }
    for (int i = 0; i < m; i++) {
      out[i] = Arrays.copyOfRange(flat, i * probes, (i + 1) * probes);
    }
    return out;
  }

  /** The {@code p} nearest clusters of every stored vector, nearest first ({@code n * p} ids). */
  int[] nearest(VectorStore vectors, int p, GemmWorkers workers, ProgressListener progress) {
    checkProbes(p);
    int n = vectors.size();
    int[] out = new int[n * p];
    nearest(
        vectors::rows, n, centroids(), count, dimension, p, out, workers, "assigning", progress);
    return out;
  }

  private void checkProbes(int probes) {
    if (probes < 1 || probes > count) {
      throw new IllegalArgumentException(
          "probes must be in [1, " + count + "] (the cluster count), was " + probes);
    }
  }

  private FloatBuffer centroids() {
    return VectorStore.direct(centroids.length).put(centroids).flip();
  }

  /** Rows {@code [from, to)} of a matrix as one buffer. */
  @FunctionalInterface
  private interface Rows {
    FloatBuffer rows(int from, int to);
  }

  private static Rows slices(FloatBuffer matrix, int d) {
    return (from, to) -> matrix.duplicate().position(from * d).limit(to * d).slice();
  }

  /**
   * For each of {@code m} rows, the {@code p} centroids of highest dot product, best first, into
   * {@code out[r * p ...]}, in blocks: spread over the workers and reported as {@code stage} when a
   * stage is given (never from a worker), else on the calling thread. Every row's result is the
   * same either way.
   */
  private static void nearest(
      Rows rows,
      int m,
      FloatBuffer centroids,
      int c,
      int d,
      int p,
      int[] out,
      GemmWorkers workers,
      String stage,
      ProgressListener progress) {
    int block = Math.max(1, Math.min(m, (1 << 22) / c));
    List<GemmWorkers.Task> tasks = new ArrayList<>();
    long[] weights = new long[(m + block - 1) / block];
    for (int b = 0; b * block < m; b++) {
      int r0 = b * block;
      int r1 = Math.min(m, r0 + block);
      weights[b] = r1 - r0;
      tasks.add(
          () -> {
            int[] best = new int[(r1 - r0) * p];
            nearestBlock(rows.rows(r0, r1), r1 - r0, centroids, c, d, p, best, workers);
            System.arraycopy(best, 0, out, r0 * p, best.length);
          });
    }
    if (stage != null) {
      workers.runAll(tasks, weights, stage, progress);
    } else {
      for (GemmWorkers.Task task : tasks) {
        task.run();
      }
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
