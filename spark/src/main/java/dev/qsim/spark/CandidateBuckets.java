package dev.qsim.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Buckets for the candidate search: centroids of a spherical k-means over a sample of the vectors;
 * each question goes to the buckets of its {@code probes} nearest centroids, and only questions
 * that share a bucket are compared. With one bucket every pair is compared (exact search).
 *
 * <p>Immutable and thread-safe; serialised to executors with the tasks.
 */
final class CandidateBuckets implements Serializable {
  private static final long serialVersionUID = 1L;

  private final float[][] centroids;
  private final int probes;

  private CandidateBuckets(float[][] centroids, int probes) {
    this.centroids = centroids;
    this.probes = Math.min(probes, Math.max(1, centroids.length));
  }

  /** One bucket: every pair is compared. */
  static CandidateBuckets exact() {
    return new CandidateBuckets(new float[0][], 1);
  }

  /**
   * Trains {@code k} centroids with spherical k-means (cosine; k-means++ seeding, {@value
   * #ITERATIONS} iterations) on a sample of about {@code sampleSize} rows of {@code vectorColumn},
   * collected to the driver. A small sample is enough to place centroids; on the driver it takes
   * seconds where Spark ML's distributed k-means took minutes for the same sample (a job per
   * iteration).
   */
  static CandidateBuckets train(
      Dataset<Row> vectors,
      String vectorColumn,
      long rows,
      int k,
      int probes,
      int sampleSize,
      long seed) {
    if (k <= 1) {
      return exact();
    }
    double fraction = Math.min(1.0, (double) sampleSize / Math.max(1, rows));
    Dataset<Row> sample = fraction < 1 ? vectors.sample(false, fraction, seed) : vectors;
    List<float[]> points = new ArrayList<>();
    for (Row r : sample.select(vectorColumn).collectAsList()) {
      points.add(unit(((Vector) r.get(0)).toArray()));
    }
    if (points.size() <= k) {
      return exact();
    }
    return new CandidateBuckets(kMeans(points, k, new Random(seed)), probes);
  }

  static final int ITERATIONS = 10;

  private static float[][] kMeans(List<float[]> points, int k, Random random) {
    int d = points.get(0).length;
    float[][] centroids = new float[k][];
    // k-means++ seeding on the cosine distance 1 - dot.
    centroids[0] = points.get(random.nextInt(points.size())).clone();
    double[] distance = new double[points.size()];
    java.util.Arrays.fill(distance, Double.POSITIVE_INFINITY);
    for (int c = 1; c < k; c++) {
      double total = 0;
      for (int i = 0; i < points.size(); i++) {
        distance[i] = Math.min(distance[i], Math.max(0, 1 - dot(points.get(i), centroids[c - 1])));
        total += distance[i] * distance[i];
      }
      double pick = random.nextDouble() * total;
      int chosen = points.size() - 1;
      for (int i = 0; i < points.size(); i++) {
        pick -= distance[i] * distance[i];
        if (pick <= 0) {
          chosen = i;
          break;
        }
      }
      centroids[c] = points.get(chosen).clone();
    }
    int[] assignment = new int[points.size()];
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      double[][] sums = new double[k][d];
      for (int i = 0; i < points.size(); i++) {
        float[] p = points.get(i);
        int best = 0;
        double bestDot = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          double s = dot(p, centroids[c]);
          if (s > bestDot) {
            bestDot = s;
            best = c;
          }
        }
        assignment[i] = best;
        for (int j = 0; j < d; j++) {
          sums[best][j] += p[j];
        }
      }
      for (int c = 0; c < k; c++) {
        double norm = 0;
        for (double x : sums[c]) {
          norm += x * x;
        }
        if (norm == 0) {
          continue; // an empty cluster keeps its centroid
        }
        norm = Math.sqrt(norm);
        for (int j = 0; j < d; j++) {
          centroids[c][j] = (float) (sums[c][j] / norm);
        }
      }
    }
    return centroids;
  }

  private static float[] unit(double[] v) {
    double norm = 0;
    for (double x : v) {
      norm += x * x;
    }
    norm = norm > 0 ? Math.sqrt(norm) : 1;
    float[] out = new float[v.length];
    for (int j = 0; j < v.length; j++) {
      out[j] = (float) (v[j] / norm);
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += a[j] * b[j];
    }
    return s;
  }

  int count() {
    return Math.max(1, centroids.length);
  }

  /** The buckets of one vector: its {@code probes} nearest centroids, nearest first. */
  int[] assign(float[] vector) {
    if (centroids.length == 0) {
      return new int[] {0};
    }
    int[] best = new int[probes];
    double[] bestScore = new double[probes];
    java.util.Arrays.fill(bestScore, Double.NEGATIVE_INFINITY);
    for (int c = 0; c < centroids.length; c++) {
      float[] centroid = centroids[c];
      double dot = 0;
      for (int k = 0; k < centroid.length; k++) {
        dot += centroid[k] * vector[k];
      }
      if (dot > bestScore[probes - 1]) {
        int pos = probes - 1;
        while (pos > 0 && dot > bestScore[pos - 1]) {
          bestScore[pos] = bestScore[pos - 1];
          best[pos] = best[pos - 1];
          pos--;
        }
        bestScore[pos] = dot;
        best[pos] = c;
      }
    }
    return best;
  }
}
